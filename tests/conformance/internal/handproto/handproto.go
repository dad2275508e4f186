// Package handproto assembles proto message types by hand for the Go
// reference plugins, because protoc is not available: each file descriptor
// is built at init time and registered through protoimpl, the runtime path
// generated code takes, so the SDK sees ordinary proto.Messages.
//
// It also holds the message both plugins share, what goplugin builds and
// goplatform pushes:
//
//	gobuild.v1.Binary { string location = 1; }
package handproto

import (
	"reflect"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/runtime/protoimpl"
	"google.golang.org/protobuf/types/descriptorpb"
)

type Binary struct {
	state         protoimpl.MessageState
	sizeCache     protoimpl.SizeCache
	unknownFields protoimpl.UnknownFields

	Location string `protobuf:"bytes,1,opt,name=location,proto3" json:"location,omitempty"`
}

var binaryInfos = make([]protoimpl.MessageInfo, 1)

func (x *Binary) ProtoReflect() protoreflect.Message { return binaryInfos[0].MessageOf(x) }
func (x *Binary) Reset()                             { *x = Binary{} }
func (x *Binary) String() string                     { return protoimpl.X.MessageStringOf(x) }
func (*Binary) ProtoMessage()                        {}

func init() {
	Register("gobuild/v1/binary.proto", "gobuild.v1",
		[]Message{{"Binary", []Field{String("location", 1)}}},
		[]interface{}{(*Binary)(nil)}, binaryInfos)
}

// Field describes one scalar field of a hand-built message.
type Field struct {
	Name   string
	Number int32
	Kind   descriptorpb.FieldDescriptorProto_Type
}

type Message struct {
	Name   string
	Fields []Field
}

func String(name string, n int32) Field {
	return Field{name, n, descriptorpb.FieldDescriptorProto_TYPE_STRING}
}

func Int64(name string, n int32) Field {
	return Field{name, n, descriptorpb.FieldDescriptorProto_TYPE_INT64}
}

// Register builds one proto3 file holding msgs (scalar fields only, so no
// dependency indexes are needed) and binds it to goTypes, pointers to the Go
// structs in the same order, whose ProtoReflect methods read infos.
func Register(path, pkg string, msgs []Message, goTypes []interface{}, infos []protoimpl.MessageInfo) {
	fd := &descriptorpb.FileDescriptorProto{
		Name:    proto.String(path),
		Package: proto.String(pkg),
		Syntax:  proto.String("proto3"),
	}
	for _, m := range msgs {
		dp := &descriptorpb.DescriptorProto{Name: proto.String(m.Name)}
		for _, f := range m.Fields {
			dp.Field = append(dp.Field, &descriptorpb.FieldDescriptorProto{
				Name:     proto.String(f.Name),
				JsonName: proto.String(jsonName(f.Name)),
				Number:   proto.Int32(f.Number),
				Label:    descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(),
				Type:     f.Kind.Enum(),
			})
		}
		fd.MessageType = append(fd.MessageType, dp)
	}
	raw, err := proto.Marshal(fd)
	if err != nil {
		panic(err)
	}
	protoimpl.TypeBuilder{
		File: protoimpl.DescBuilder{
			GoPackagePath: reflect.TypeOf(goTypes[0]).Elem().PkgPath(),
			RawDescriptor: raw,
			NumMessages:   int32(len(msgs)),
		},
		GoTypes: goTypes,
		// Five empty sub-lists: method outputs, inputs, extension types,
		// extendees, field type names. Scalar fields reference no types.
		DependencyIndexes: []int32{0, 0, 0, 0, 0},
		MessageInfos:      infos,
	}.Build()
}

// jsonName is protoc's lowerCamelCase rule for JSON field names.
func jsonName(s string) string {
	out := make([]byte, 0, len(s))
	up := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' {
			up = true
			continue
		}
		if up && c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		up = false
		out = append(out, c)
	}
	return string(out)
}
