package provider

// MsgMaxTokens is the Notice a backend sends just before the Finish chunk
// of an answer that stopped because it reached its token limit, whatever
// the provider calls that ("length", "max_tokens", "MAX_TOKENS").
const MsgMaxTokens = "answer cut at max tokens"
