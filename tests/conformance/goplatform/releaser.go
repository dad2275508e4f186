package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/waypoint-plugin-sdk/component"
	sdkpb "github.com/hashicorp/waypoint-plugin-sdk/proto/gen"
	"github.com/hashicorp/waypoint-plugin-sdk/terminal"
	"google.golang.org/protobuf/types/known/timestamppb"
)

type ReleaseConfig struct {
	// Marker is the file name written into the deployment directory.
	Marker string `hcl:"marker,optional"`
}

// ReleaseManager "releases" a deployment by writing a marker file next to
// it. The platform's default releaser returns one too.
type ReleaseManager struct {
	config ReleaseConfig
}

func (r *ReleaseManager) Config() (interface{}, error) { return &r.config, nil }

func (r *ReleaseManager) ReleaseFunc() interface{} { return r.release }
func (r *ReleaseManager) DestroyFunc() interface{} { return r.destroy }
func (r *ReleaseManager) StatusFunc() interface{}  { return r.status }

// URL makes the release a component.Release; the SDK server copies it into
// Release.Resp.release.url.
func (x *Release) URL() string { return x.Url }

func (r *ReleaseManager) marker() string {
	if r.config.Marker == "" {
		return "RELEASED"
	}
	return r.config.Marker
}

func (r *ReleaseManager) release(
	ctx context.Context,
	ui terminal.UI,
	log hclog.Logger,
	d *Deployment,
	dr *component.DeclaredResourcesResp,
) (*Release, error) {
	path := filepath.Join(d.Dir, r.marker())
	log.Info("releasing", "deployment", d.Id, "marker", path)
	if err := os.WriteFile(path, []byte(d.Id+"\n"), 0o644); err != nil {
		return nil, err
	}
	dr.DeclaredResources = append(dr.DeclaredResources, &sdkpb.DeclaredResource{
		Name:                "release-marker",
		Type:                "marker",
		Platform:            "filesystem",
		StateJson:           fmt.Sprintf(`{"path":%q}`, path),
		CategoryDisplayHint: sdkpb.ResourceCategoryDisplayHint_ROUTER,
	})
	ui.Output("Released %s", d.Id, terminal.WithSuccessStyle())
	url := "file://" + path
	if d.Url != "" {
		url = d.Url // serve mode: the released app's address
	}
	return &Release{Id: d.Id, Marker: path, Url: url}, nil
}

func (r *ReleaseManager) destroy(
	ctx context.Context,
	log hclog.Logger,
	rel *Release,
	ds *component.DestroyedResourcesResp,
) error {
	log.Info("removing release marker", "marker", rel.Marker)
	if err := os.Remove(rel.Marker); err != nil && !os.IsNotExist(err) {
		return err
	}
	ds.DestroyedResources = append(ds.DestroyedResources, &sdkpb.DestroyedResource{
		Name:      "release-marker",
		Type:      "marker",
		Platform:  "filesystem",
		StateJson: fmt.Sprintf(`{"path":%q}`, rel.Marker),
	})
	return nil
}

func (r *ReleaseManager) status(ctx context.Context, rel *Release) (*sdkpb.StatusReport, error) {
	health, msg := sdkpb.StatusReport_READY, "marker present"
	if _, err := os.Stat(rel.Marker); err != nil {
		health, msg = sdkpb.StatusReport_DOWN, err.Error()
	}
	return &sdkpb.StatusReport{
		Health:        health,
		HealthMessage: msg,
		GeneratedTime: timestamppb.Now(),
		External:      true,
		Resources: []*sdkpb.StatusReport_Resource{{
			Name:                "release-marker",
			Id:                  rel.Id,
			Health:              health,
			HealthMessage:       msg,
			Platform:            "filesystem",
			Type:                "marker",
			PlatformUrl:         rel.Url,
			CategoryDisplayHint: sdkpb.ResourceCategoryDisplayHint_ROUTER,
		}},
	}, nil
}
