package main

import (
	"context"
	"os"
	"path/filepath"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/waypoint-plugin-sdk/component"
	"github.com/hashicorp/waypoint-plugin-sdk/terminal"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// authMarker is the file whose presence in the app directory means "logged
// in" for AuthBuilder.
const authMarker = ".gobuilder-auth"

// AuthBuilder is the Builder plus component.Authenticator (goplugin -auth):
// ValidateAuth fails until Auth has written the marker file into the app
// directory (component.Source.Path).
type AuthBuilder struct {
	*Builder
}

func (a *AuthBuilder) ValidateAuthFunc() interface{} { return a.validateAuth }
func (a *AuthBuilder) AuthFunc() interface{}         { return a.auth }

func (a *AuthBuilder) validateAuth(ctx context.Context, log hclog.Logger, src *component.Source, labels *component.LabelSet) error {
	p := filepath.Join(src.Path, authMarker)
	log.Debug("validating auth", "marker", p, "workspace", labels.Labels["waypoint/workspace"])
	if _, err := os.Stat(p); err != nil {
		return status.Errorf(codes.Unauthenticated, "not logged in: %s is missing", p)
	}
	return nil
}

func (a *AuthBuilder) auth(ctx context.Context, ui terminal.UI, src *component.Source, job *component.JobInfo) (*component.AuthResult, error) {
	ui.Output("Logging in app %s (job %s)", src.App, job.Id)
	if err := os.WriteFile(filepath.Join(src.Path, authMarker), []byte(job.App+"\n"), 0o600); err != nil {
		return nil, err
	}
	return &component.AuthResult{Authenticated: true}, nil
}

var _ component.Authenticator = (*AuthBuilder)(nil)
