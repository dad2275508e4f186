package main

// Builders that pin down what the Go SDK does where the TypeScript toolkit
// must match it (see tests/go_parity_test.ts):
//
//	-template computed|nil|empty  TemplateBuilder: no config; its output
//	                               implements component.Template
//	-empty-config                  EmptyConfigBuilder: Config() returns a
//	                               struct with no fields
//	-registry-aware                RegistryAwareBuilder: asks for the named
//	                               bool HasRegistry and the registry's
//	                               gofiles.v1.AccessInfo
//	-examples                      ExamplesBuilder: Documentation calls
//	                               doc.Example twice

import (
	"strings"

	"github.com/hashicorp/go-argmapper"
	"github.com/hashicorp/waypoint-plugin-sdk/component"
	"github.com/hashicorp/waypoint-plugin-sdk/docs"
	"github.com/hashicorp/waypoint-plugin-sdk/terminal"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/runtime/protoimpl"

	"wpconformance/internal/handproto"
)

// Templated is gobuild.v1.Templated { string location = 1; }: a Binary
// whose template data TemplateBuilder's mode decides.
type Templated struct {
	state         protoimpl.MessageState
	sizeCache     protoimpl.SizeCache
	unknownFields protoimpl.UnknownFields

	Location string `protobuf:"bytes,1,opt,name=location,proto3" json:"location,omitempty"`
}

// AccessInfo is gofiles.v1.AccessInfo {}, the message goplatform's registry
// returns from its AccessInfoFunc, registered here under the same name so a
// builder can ask for it.
type AccessInfo struct {
	state         protoimpl.MessageState
	sizeCache     protoimpl.SizeCache
	unknownFields protoimpl.UnknownFields
}

var parityInfos = make([]protoimpl.MessageInfo, 2)

func (x *Templated) ProtoReflect() protoreflect.Message  { return parityInfos[0].MessageOf(x) }
func (x *AccessInfo) ProtoReflect() protoreflect.Message { return parityInfos[1].MessageOf(x) }
func (x *Templated) Reset()                              { *x = Templated{} }
func (x *AccessInfo) Reset()                             { *x = AccessInfo{} }
func (x *Templated) String() string                      { return protoimpl.X.MessageStringOf(x) }
func (x *AccessInfo) String() string                     { return protoimpl.X.MessageStringOf(x) }
func (*Templated) ProtoMessage()                         {}
func (*AccessInfo) ProtoMessage()                        {}

func init() {
	handproto.Register("gobuild/v1/templated.proto", "gobuild.v1",
		[]handproto.Message{{Name: "Templated", Fields: []handproto.Field{handproto.String("location", 1)}}},
		[]interface{}{(*Templated)(nil)}, parityInfos[:1])
	handproto.Register("gofiles/v1/access.proto", "gofiles.v1",
		[]handproto.Message{{Name: "AccessInfo"}},
		[]interface{}{(*AccessInfo)(nil)}, parityInfos[1:])
}

// templateMode is -template's value.
var templateMode string

// TemplateData is what Waypoint offers later stages as artifact.*:
// "computed" replaces the fields with dir and name (location hidden), "nil"
// and "empty" publish nothing. The SDK's docs call it on a nil value.
func (x *Templated) TemplateData() map[string]interface{} {
	switch templateMode {
	case "nil":
		return nil
	case "empty":
		return map[string]interface{}{}
	}
	loc := ""
	if x != nil {
		loc = x.Location
	}
	dir, name := "", loc
	if i := strings.LastIndex(loc, "/"); i >= 0 {
		dir, name = loc[:i], loc[i+1:]
	}
	return map[string]interface{}{"dir": dir, "name": name}
}

var _ component.Template = (*Templated)(nil)

// TemplateBuilder has no config and builds ./app/app as a Templated.
type TemplateBuilder struct{}

func (b *TemplateBuilder) BuildFunc() interface{} { return b.build }

func (b *TemplateBuilder) build(ui terminal.UI) (*Templated, error) {
	return &Templated{Location: "./app/app"}, nil
}

// EmptyConfigBuilder is NoopBuilder with a config struct that has no
// fields: the host decodes the use body against it (so any attribute is
// "Unsupported argument") and then calls Configure.
type EmptyConfigBuilder struct {
	NoopBuilder
	config struct{}
}

func (b *EmptyConfigBuilder) Config() (interface{}, error) { return &b.config, nil }

// RegistryArgs is how a Go builder asks for Waypoint's named HasRegistry
// bool (argmapper.Struct fields are named) next to typed values.
type RegistryArgs struct {
	argmapper.Struct

	HasRegistry bool
	UI          terminal.UI `argmapper:",typeOnly"`
	Access      *AccessInfo `argmapper:",typeOnly"`
}

// RegistryAwareBuilder reports what it was given in the Binary's location.
type RegistryAwareBuilder struct{}

func (b *RegistryAwareBuilder) BuildFunc() interface{} { return b.build }

func (b *RegistryAwareBuilder) build(args RegistryArgs) (*handproto.Binary, error) {
	loc := "hasRegistry=false"
	if args.HasRegistry {
		loc = "hasRegistry=true"
	}
	if args.Access != nil {
		loc += " access=" + string(args.Access.ProtoReflect().Descriptor().FullName())
	}
	return &handproto.Binary{Location: loc}, nil
}

// ExamplesBuilder documents itself with two doc.Example calls.
type ExamplesBuilder struct{ NoopBuilder }

func (b *ExamplesBuilder) Documentation() (*docs.Documentation, error) {
	d, err := docs.New()
	if err != nil {
		return nil, err
	}
	d.Description("Builds nothing, documented twice")
	d.Example("build {\n  use \"gobuilder\" {}\n}")
	d.Example("build {\n  use \"gobuilder\" {}\n  registry {\n    use \"files\" {}\n  }\n}")
	return d, nil
}
