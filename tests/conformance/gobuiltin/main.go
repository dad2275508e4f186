// Command gobuiltin is a builder written with the real Go SDK whose artifact
// is Waypoint's own docker.Image, the type Waypoint's docker builders and
// registry produce. No Go code of Waypoint is linked in (its builtin packages
// pull in Docker's client and much more): at start the plugin reads the file
// descriptor protoc generated for builtin/docker/plugin.proto out of
// plugin.pb.go in the Waypoint v0.11.4 module, and builds the image as a
// dynamic message of that descriptor. The bytes it sends are therefore the
// bytes of Waypoint's docker.Image.
//
// Usage: gobuiltin -waypoint-dir DIR, where DIR is the module's source
// (`go mod download -json github.com/hashicorp/waypoint@v0.11.4` → Dir).
package main

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	_ "github.com/hashicorp/opaqueany" // registers any.proto, which docker's file imports
	sdk "github.com/hashicorp/waypoint-plugin-sdk"
	"github.com/hashicorp/waypoint-plugin-sdk/terminal"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
	_ "google.golang.org/protobuf/types/known/emptypb" // registers google/protobuf/empty.proto
)

// imageDesc is docker.Image as protoc described it for Waypoint v0.11.4.
var imageDesc protoreflect.MessageDescriptor

// Image is a docker.Image: a dynamic message of imageDesc. Its nil value
// still reports the descriptor, because the SDK derives the BuildSpec result
// type from a zero value of the function's return type.
type Image struct{ msg *dynamicpb.Message }

func (x *Image) ProtoReflect() protoreflect.Message {
	if x == nil || x.msg == nil {
		return dynamicpb.NewMessageType(imageDesc).Zero()
	}
	return x.msg
}

type BuildConfig struct {
	Image        string `hcl:"image"`
	Tag          string `hcl:"tag"`
	Architecture string `hcl:"architecture,optional"`
	// Registry sets location.registry (with waypoint_generated); otherwise location.docker.
	Registry bool `hcl:"registry,optional"`
}

type Builder struct{ config BuildConfig }

func (b *Builder) Config() (interface{}, error) { return &b.config, nil }

func (b *Builder) BuildFunc() interface{} { return b.build }

func (b *Builder) build(ctx context.Context, ui terminal.UI) (*Image, error) {
	m := dynamicpb.NewMessage(imageDesc)
	fields := imageDesc.Fields()
	m.Set(fields.ByName("image"), protoreflect.ValueOfString(b.config.Image))
	m.Set(fields.ByName("tag"), protoreflect.ValueOfString(b.config.Tag))
	m.Set(fields.ByName("architecture"), protoreflect.ValueOfString(b.config.Architecture))
	if b.config.Registry {
		loc := fields.ByName("registry")
		reg := dynamicpb.NewMessage(loc.Message())
		reg.Set(loc.Message().Fields().ByName("waypoint_generated"), protoreflect.ValueOfBool(true))
		m.Set(loc, protoreflect.ValueOfMessage(reg))
	} else {
		loc := fields.ByName("docker")
		m.Set(loc, protoreflect.ValueOfMessage(dynamicpb.NewMessage(loc.Message())))
	}
	ui.Output("built docker.Image %s:%s", b.config.Image, b.config.Tag)
	return &Image{msg: m}, nil
}

// loadImageDesc reads the raw descriptor bytes (the `…_rawDesc` []byte
// literal) out of the generated Go file and resolves them against the
// registered imports.
func loadImageDesc(waypointDir string) (protoreflect.MessageDescriptor, error) {
	path := filepath.Join(waypointDir, "builtin", "docker", "plugin.pb.go")
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		return nil, err
	}
	var raw []byte
	ast.Inspect(f, func(n ast.Node) bool {
		spec, ok := n.(*ast.ValueSpec)
		if !ok || len(spec.Names) != 1 || !strings.HasSuffix(spec.Names[0].Name, "_rawDesc") || len(spec.Values) != 1 {
			return true
		}
		lit, ok := spec.Values[0].(*ast.CompositeLit)
		if !ok {
			return true
		}
		for _, e := range lit.Elts {
			b, ok := e.(*ast.BasicLit)
			if !ok {
				err = fmt.Errorf("%s: unexpected element in the raw descriptor", path)
				return false
			}
			v, perr := strconv.ParseUint(b.Value, 0, 8)
			if perr != nil {
				err = perr
				return false
			}
			raw = append(raw, byte(v))
		}
		return false
	})
	if err != nil {
		return nil, err
	}
	if len(raw) == 0 {
		return nil, fmt.Errorf("%s has no raw file descriptor", path)
	}
	var fdp descriptorpb.FileDescriptorProto
	if err := proto.Unmarshal(raw, &fdp); err != nil {
		return nil, err
	}
	fd, err := protodesc.NewFile(&fdp, protoregistry.GlobalFiles)
	if err != nil {
		return nil, err
	}
	d := fd.Messages().ByName("Image")
	if d == nil || d.FullName() != "docker.Image" {
		return nil, fmt.Errorf("%s does not describe docker.Image", path)
	}
	return d, nil
}

func main() {
	dir := ""
	for i, a := range os.Args[1:] {
		if a == "-waypoint-dir" && i+2 < len(os.Args) {
			dir = os.Args[i+2]
		} else if v, ok := strings.CutPrefix(a, "-waypoint-dir="); ok {
			dir = v
		}
	}
	if dir == "" {
		fmt.Fprintln(os.Stderr, "usage: gobuiltin -waypoint-dir DIR")
		os.Exit(2)
	}
	d, err := loadImageDesc(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gobuiltin:", err)
		os.Exit(1)
	}
	imageDesc = d
	sdk.Main(sdk.WithComponents(&Builder{}))
}
