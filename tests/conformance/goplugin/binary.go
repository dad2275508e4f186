package main

// A hand-assembled proto message type (protoc is not available here): the
// descriptor is built at init time and registered through protoimpl, the same
// runtime path generated code uses, so the SDK sees an ordinary proto.Message
// named gobuild.v1.Binary with `string location = 1`.

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

func (x *Binary) Reset()         { *x = Binary{} }
func (x *Binary) String() string { return protoimpl.X.MessageStringOf(x) }
func (*Binary) ProtoMessage()    {}

func (x *Binary) ProtoReflect() protoreflect.Message {
	return binaryTypes[0].MessageOf(x)
}

var binaryTypes = make([]protoimpl.MessageInfo, 1)

func init() {
	fd := &descriptorpb.FileDescriptorProto{
		Name:    proto.String("gobuild/v1/binary.proto"),
		Package: proto.String("gobuild.v1"),
		Syntax:  proto.String("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{{
			Name: proto.String("Binary"),
			Field: []*descriptorpb.FieldDescriptorProto{{
				Name:     proto.String("location"),
				JsonName: proto.String("location"),
				Number:   proto.Int32(1),
				Label:    descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(),
				Type:     descriptorpb.FieldDescriptorProto_TYPE_STRING.Enum(),
			}},
		}},
	}
	raw, err := proto.Marshal(fd)
	if err != nil {
		panic(err)
	}

	protoimpl.TypeBuilder{
		File: protoimpl.DescBuilder{
			GoPackagePath: reflect.TypeOf(Binary{}).PkgPath(),
			RawDescriptor: raw,
			NumMessages:   1,
		},
		GoTypes: []interface{}{(*Binary)(nil)},
		// Five empty sub-lists: method outputs, inputs, extension types,
		// extendees, field type names. Binary references no other types.
		DependencyIndexes: []int32{0, 0, 0, 0, 0},
		MessageInfos:      binaryTypes,
	}.Build()
}
