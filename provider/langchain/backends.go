package langchain

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/smithy-go/logging"
	"github.com/tmc/langchaingo/llms/bedrock"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/provider/httpx"
)

// newBedrock wires langchaingo's Bedrock model with the AWS SDK's usual
// credential chain (AWS_PROFILE, AWS_ACCESS_KEY_ID..., SSO) and region
// (AWS_REGION, else us-east-1). BaseURL, if set, replaces the regional
// endpoint (a VPC endpoint, or a test server). Requests go through the
// shared HTTP client, so ca_file applies and AWS_CA_BUNDLE does not.
func newBedrock(ep provider.Endpoint, o provider.Options) (*Client, error) {
	// The SDK's own log lines (an IMDS fallback, say) would reach stderr:
	// what goes wrong is said in parley's words instead.
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithLogger(logging.Nop{}))
	if err != nil {
		return nil, fmt.Errorf("%s: AWS configuration: %w", ep.Name, err)
	}
	if err := checkCredentials(ep, cfg); err != nil {
		return nil, err
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	client := bedrockruntime.NewFromConfig(cfg, func(bo *bedrockruntime.Options) {
		if ep.BaseURL != "" {
			bo.BaseEndpoint = aws.String(ep.BaseURL)
		}
		bo.RetryMaxAttempts = 1                               // provider.Run retries, and only before the first token
		bo.HTTPClient = bufferedClient(httpx.StreamClient(o)) // proxies, ca_file, the wait for headers
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
	e.StatusText = http.StatusText(e.Status)
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

// ListModels reports that the models cannot be listed here: Bedrock's
// list lives in another AWS service.
func (c *Client) ListModels(context.Context) ([]string, error) {
	return nil, fmt.Errorf("%s: --list-models is not available here; see the provider's console for model IDs", c.ep.Name)
}
