package langchain

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/tmc/langchaingo/llms/bedrock"
	"github.com/tmc/langchaingo/llms/mistral"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/provider/openai"
)

// DefaultMistralURL is Mistral's API root. Its client replaces any path
// with /v1/chat/completions.
const DefaultMistralURL = "https://api.mistral.ai"

// newMistral wires langchaingo's Mistral model. Its client ignores the
// context and builds its own HTTP client (proxies from the environment,
// but no ca_file); a whole-request timeout is the only bound it has, so
// Options.Timeout is passed to it, or 30 minutes.
func newMistral(ep provider.Endpoint, o provider.Options) (*Client, error) {
	if err := ep.RequireKey(); err != nil {
		return nil, err
	}
	base := ep.BaseURL
	if base == "" {
		base = DefaultMistralURL
	}
	// The client's own timeout is a backstop that ends its goroutine; a
	// second's grace lets Options.Timeout fire first, to be reported as
	// --timeout rather than as a read error.
	timeout := o.Timeout + time.Second
	if o.Timeout <= 0 {
		timeout = 30 * time.Minute
	}
	m, err := mistral.New(mistral.WithAPIKey(ep.APIKey), mistral.WithEndpoint(base),
		mistral.WithMaxRetries(1), mistral.WithTimeout(timeout))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ep.Name, err)
	}
	keyVar := ep.KeyVar(nil)
	return &Client{ep: ep, opts: o, model: m, classify: func(err error) error { return mistralError(ep.Name, keyVar, err) }}, nil
}

var mistralHTTPError = regexp.MustCompile(`^\(HTTP Error (\d{3})\) ?(.*)$`)

// mistralError reads the "(HTTP Error 401) {body}" errors of Mistral's
// client as an *APIError, and names a chunk it could not decode as
// malformed; it returns nil for other errors.
func mistralError(name, keyVar string, err error) error {
	if strings.HasPrefix(err.Error(), "error decoding stream response") {
		return fmt.Errorf("%s: malformed chunk: %w", name, err)
	}
	m := mistralHTTPError.FindStringSubmatch(err.Error())
	if m == nil {
		return nil
	}
	status, _ := strconv.Atoi(m[1])
	e := &provider.APIError{Provider: name, Status: status}
	e.Type, e.Message = provider.ErrorMessage([]byte(m[2]))
	if e.Message == "" {
		e.Message = provider.Snippet([]byte(m[2]), 200)
	}
	e.Advice = httpAdvice(status, "check the API key in "+keyVar)
	return e
}

// newBedrock wires langchaingo's Bedrock model with the AWS SDK's usual
// credential chain (AWS_PROFILE, AWS_ACCESS_KEY_ID..., SSO) and region
// (AWS_REGION, else us-east-1). BaseURL, if set, replaces the regional
// endpoint (a VPC endpoint, or a test server). Requests go through the
// shared HTTP client, so ca_file applies and AWS_CA_BUNDLE does not.
func newBedrock(ep provider.Endpoint, o provider.Options) (*Client, error) {
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		return nil, fmt.Errorf("%s: AWS configuration: %w", ep.Name, err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	client := bedrockruntime.NewFromConfig(cfg, func(bo *bedrockruntime.Options) {
		if ep.BaseURL != "" {
			bo.BaseEndpoint = aws.String(ep.BaseURL)
		}
		bo.RetryMaxAttempts = 1                          // provider.Run retries, and only before the first token
		bo.HTTPClient = bufferedClient(o.StreamClient()) // proxies, ca_file, the wait for headers
	})
	m, err := bedrock.New(bedrock.WithClient(client))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ep.Name, err)
	}
	return &Client{ep: ep, opts: o, model: m, classify: func(err error) error { return awsError(ep.Name, err) }}, nil
}

// awsError reads the status, code and message of an AWS SDK error as an
// *APIError; it returns nil for other errors. Exceptions sent inside the
// event stream (throttlingException, modelStreamErrorException) have a
// code but no status.
func awsError(name string, err error) error {
	var apiErr interface {
		ErrorCode() string
		ErrorMessage() string
	}
	if !errors.As(err, &apiErr) {
		return nil
	}
	e := &provider.APIError{Provider: name, Type: apiErr.ErrorCode(), Message: apiErr.ErrorMessage()}
	var status interface{ HTTPStatusCode() int }
	if errors.As(err, &status) {
		e.Status = status.HTTPStatusCode()
	}
	switch e.Type {
	case "ThrottlingException", "throttlingException", "ServiceUnavailableException", "serviceUnavailableException":
		e.Advice = "rate limited or overloaded; wait a moment and retry"
		if e.Status == 0 {
			e.Status = http.StatusTooManyRequests
		}
	default:
		e.Advice = httpAdvice(e.Status, "check the AWS credentials (AWS_PROFILE or AWS_ACCESS_KEY_ID) and the model's access in the Bedrock console")
	}
	return e
}

// httpAdvice is the usual advice for status, with keyAdvice for 401 and
// 403, where the usual advice names a variable that these backends lack.
func httpAdvice(status int, keyAdvice string) string {
	if status == http.StatusUnauthorized || status == http.StatusForbidden {
		return keyAdvice
	}
	return provider.Advice(status, "", "", 0)
}

// bufferedClient returns c with each request body read into memory before
// it is sent. The AWS SDK closes its request body as soon as the response
// headers arrive; if the transport was still checking that body for its
// end, the write fails and the connection, with the event stream on it, is
// closed ("use of closed network connection"). Bedrock's bodies are small.
func bufferedClient(c *http.Client) *http.Client {
	cc := *c
	rt := cc.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	cc.Transport = bufferBody{rt}
	return &cc
}

type bufferBody struct{ rt http.RoundTripper }

func (b bufferBody) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return b.rt.RoundTrip(req)
	}
	data, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	r := req.Clone(req.Context())
	r.Body = io.NopCloser(bytes.NewReader(data))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	r.ContentLength = int64(len(data))
	return b.rt.RoundTrip(r)
}

// ListModels lists the models of a Mistral endpoint (GET /v1/models).
// Bedrock's list lives in another AWS service, so it is not offered.
func (c *Client) ListModels(ctx context.Context) ([]string, error) {
	if c.ep.Flavor != "mistral" {
		return nil, fmt.Errorf("%s: --list-models is not available here; see the provider's console for model IDs", c.ep.Name)
	}
	base := c.ep.BaseURL
	if base == "" {
		base = DefaultMistralURL
	}
	// Mistral lists its models as OpenAI does.
	return openai.New(openai.Config{
		Name: c.ep.Name, BaseURL: strings.TrimRight(base, "/") + "/v1",
		APIKey: c.ep.APIKey, KeyEnv: c.ep.KeyVar(nil),
		HTTPClient: c.opts.Client(), Debug: c.opts.Debug,
	}).ListModels(ctx)
}
