// Command goplatform is a Waypoint plugin written with the real Go SDK that
// implements every component a conformance host drives after a build: a
// registry, a platform with every optional capability (destroy, workspace
// destroy, status, exec, logs, generation, default releaser), a release
// manager and a task launcher, plus one mapper. Everything happens on the
// local filesystem. It pairs with goplugin, whose gobuild.v1.Binary it
// consumes.
package main

import (
	sdk "github.com/hashicorp/waypoint-plugin-sdk"
)

// binaryToPushed lets the platform deploy a build that was never pushed:
// without a registry the deploy's artifact is the build's Binary, and
// Waypoint reaches a PushedFile through this mapper (ListMappers + Map).
func binaryToPushed(b *Binary) (*PushedFile, error) {
	return &PushedFile{Path: b.Location, Source: b.Location}, nil
}

func main() {
	sdk.Main(
		sdk.WithComponents(&Registry{}, &Platform{}, &ReleaseManager{}, &TaskLauncher{}),
		sdk.WithMappers(binaryToPushed),
	)
}
