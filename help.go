package main

import "github.com/spf13/cobra"

// helpEnvironment is the end of the root command's help: the variables
// Parley reads, in the words of config.example.toml.
const helpEnvironment = `{{if not .HasParent}}
Environment:
  PARLEY_MODEL              model, as -m (config: model)
  PARLEY_DEFAULT_PROVIDER   provider of a bare model name outside the known families (config: default_provider)
  PARLEY_CONFIG             config file, as --config
  PARLEY_DATA_DIR           where conversations are saved (default $XDG_DATA_HOME/parley)
  PARLEY_THEME              auto, dark or light (config: theme); NO_COLOR turns colour off
  PARLEY_INLINE             1 runs the chat inline, as --inline (config: inline)
  PARLEY_TIMEOUT            limit for the whole request, as --timeout (default none)
  PARLEY_IDLE_TIMEOUT       longest silence between bytes, as --idle-timeout (default 5m)
  PARLEY_SSE_API_KEY        key of the sse provider
  OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY (or GOOGLE_API_KEY), OPENROUTER_API_KEY,
  GROQ_API_KEY, DEEPSEEK_API_KEY, MISTRAL_API_KEY, VLLM_API_KEY
                            the providers' keys
  OPENAI_BASE_URL, ANTHROPIC_BASE_URL, GEMINI_BASE_URL, OLLAMA_HOST
                            the providers' endpoints, as --base-url
  VISUAL, EDITOR            the editor of parley config edit and of the chat's Ctrl+X
{{end}}`

// addHelp makes the root command's help show the real defaults and the
// environment.
func addHelp(cmd *cobra.Command) {
	// The idle timeout's flag default is "not given" (-1), which stands
	// for the built-in config.DefaultIdleTimeout unless the config or the
	// environment says otherwise: show that. TestHelp keeps the two equal.
	cmd.Flags().Lookup("idle-timeout").DefValue = "5m"
	cmd.SetUsageTemplate(cmd.UsageTemplate() + helpEnvironment)
}
