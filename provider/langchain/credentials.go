package langchain

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/parley-chat/parley/provider"
)

// credentialsWait bounds the search of the AWS credential chain, whose
// last link asks the EC2 instance metadata service.
const credentialsWait = 5 * time.Second

// checkCredentials finds the AWS credentials before the first request, so
// that an endpoint without any fails as one without a key does (a KeyError),
// in one line saying what to set, rather than with the SDK's chain of
// errors after the prompt was sent.
func checkCredentials(ep provider.Endpoint, cfg aws.Config) error {
	if cfg.Credentials == nil {
		return noCredentials(ep)
	}
	ctx, cancel := context.WithTimeout(context.Background(), credentialsWait)
	defer cancel()
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		return noCredentials(ep)
	}
	return nil
}

func noCredentials(ep provider.Endpoint) error {
	return &provider.KeyError{Provider: ep.Name, Set: "AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (AWS credentials)"}
}
