package main

// The plugin's output messages, assembled by hand because protoc is not
// available: each file descriptor is built at init time and registered
// through protoimpl, the runtime path generated code takes, so the SDK sees
// ordinary proto.Messages with these full names:
//
//	gobuild.v1.Binary        { string location = 1; }   (what goplugin builds)
//	gofiles.v1.PushedFile    { string path = 1; string source = 2; }
//	gofiles.v1.AccessInfo    { }
//	gofiles.v1.Deployment    { string id = 1; string path = 2; string dir = 3; string label = 4; }
//	gofiles.v1.Release       { string id = 1; string marker = 2; string url = 3; }
//	gofiles.v1.TaskState     { int64 pid = 1; string status_file = 2; string output_file = 3; }

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

type PushedFile struct {
	state         protoimpl.MessageState
	sizeCache     protoimpl.SizeCache
	unknownFields protoimpl.UnknownFields

	Path   string `protobuf:"bytes,1,opt,name=path,proto3" json:"path,omitempty"`
	Source string `protobuf:"bytes,2,opt,name=source,proto3" json:"source,omitempty"`
}

type AccessInfo struct {
	state         protoimpl.MessageState
	sizeCache     protoimpl.SizeCache
	unknownFields protoimpl.UnknownFields
}

type Deployment struct {
	state         protoimpl.MessageState
	sizeCache     protoimpl.SizeCache
	unknownFields protoimpl.UnknownFields

	Id    string `protobuf:"bytes,1,opt,name=id,proto3" json:"id,omitempty"`
	Path  string `protobuf:"bytes,2,opt,name=path,proto3" json:"path,omitempty"`
	Dir   string `protobuf:"bytes,3,opt,name=dir,proto3" json:"dir,omitempty"`
	Label string `protobuf:"bytes,4,opt,name=label,proto3" json:"label,omitempty"`
}

type Release struct {
	state         protoimpl.MessageState
	sizeCache     protoimpl.SizeCache
	unknownFields protoimpl.UnknownFields

	Id     string `protobuf:"bytes,1,opt,name=id,proto3" json:"id,omitempty"`
	Marker string `protobuf:"bytes,2,opt,name=marker,proto3" json:"marker,omitempty"`
	Url    string `protobuf:"bytes,3,opt,name=url,proto3" json:"url,omitempty"`
}

type TaskState struct {
	state         protoimpl.MessageState
	sizeCache     protoimpl.SizeCache
	unknownFields protoimpl.UnknownFields

	Pid        int64  `protobuf:"varint,1,opt,name=pid,proto3" json:"pid,omitempty"`
	StatusFile string `protobuf:"bytes,2,opt,name=status_file,json=statusFile,proto3" json:"status_file,omitempty"`
	OutputFile string `protobuf:"bytes,3,opt,name=output_file,json=outputFile,proto3" json:"output_file,omitempty"`
}

var (
	binaryInfos = make([]protoimpl.MessageInfo, 1)
	filesInfos  = make([]protoimpl.MessageInfo, 5)
)

func (x *Binary) ProtoReflect() protoreflect.Message     { return binaryInfos[0].MessageOf(x) }
func (x *PushedFile) ProtoReflect() protoreflect.Message { return filesInfos[0].MessageOf(x) }
func (x *AccessInfo) ProtoReflect() protoreflect.Message { return filesInfos[1].MessageOf(x) }
func (x *Deployment) ProtoReflect() protoreflect.Message { return filesInfos[2].MessageOf(x) }
func (x *Release) ProtoReflect() protoreflect.Message    { return filesInfos[3].MessageOf(x) }
func (x *TaskState) ProtoReflect() protoreflect.Message  { return filesInfos[4].MessageOf(x) }

func (x *Binary) Reset()     { *x = Binary{} }
func (x *PushedFile) Reset() { *x = PushedFile{} }
func (x *AccessInfo) Reset() { *x = AccessInfo{} }
func (x *Deployment) Reset() { *x = Deployment{} }
func (x *Release) Reset()    { *x = Release{} }
func (x *TaskState) Reset()  { *x = TaskState{} }

func (x *Binary) String() string     { return protoimpl.X.MessageStringOf(x) }
func (x *PushedFile) String() string { return protoimpl.X.MessageStringOf(x) }
func (x *AccessInfo) String() string { return protoimpl.X.MessageStringOf(x) }
func (x *Deployment) String() string { return protoimpl.X.MessageStringOf(x) }
func (x *Release) String() string    { return protoimpl.X.MessageStringOf(x) }
func (x *TaskState) String() string  { return protoimpl.X.MessageStringOf(x) }

func (*Binary) ProtoMessage()     {}
func (*PushedFile) ProtoMessage() {}
func (*AccessInfo) ProtoMessage() {}
func (*Deployment) ProtoMessage() {}
func (*Release) ProtoMessage()    {}
func (*TaskState) ProtoMessage()  {}

// field describes one scalar field of a hand-built message.
type field struct {
	name   string
	number int32
	kind   descriptorpb.FieldDescriptorProto_Type
}

type message struct {
	name   string
	fields []field
}

func str(name string, n int32) field {
	return field{name, n, descriptorpb.FieldDescriptorProto_TYPE_STRING}
}

func int64f(name string, n int32) field {
	return field{name, n, descriptorpb.FieldDescriptorProto_TYPE_INT64}
}

// register builds one proto3 file holding msgs (scalar fields only, so no
// dependency indexes are needed) and binds it to the Go types in order.
func register(path, pkg string, msgs []message, goTypes []interface{}, infos []protoimpl.MessageInfo) {
	fd := &descriptorpb.FileDescriptorProto{
		Name:    proto.String(path),
		Package: proto.String(pkg),
		Syntax:  proto.String("proto3"),
	}
	for _, m := range msgs {
		dp := &descriptorpb.DescriptorProto{Name: proto.String(m.name)}
		for _, f := range m.fields {
			dp.Field = append(dp.Field, &descriptorpb.FieldDescriptorProto{
				Name:     proto.String(f.name),
				JsonName: proto.String(jsonName(f.name)),
				Number:   proto.Int32(f.number),
				Label:    descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(),
				Type:     f.kind.Enum(),
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
			GoPackagePath: reflect.TypeOf(Binary{}).PkgPath(),
			RawDescriptor: raw,
			NumMessages:   int32(len(msgs)),
		},
		GoTypes:           goTypes,
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

func init() {
	register("gobuild/v1/binary.proto", "gobuild.v1",
		[]message{{"Binary", []field{str("location", 1)}}},
		[]interface{}{(*Binary)(nil)}, binaryInfos)

	register("gofiles/v1/files.proto", "gofiles.v1",
		[]message{
			{"PushedFile", []field{str("path", 1), str("source", 2)}},
			{"AccessInfo", nil},
			{"Deployment", []field{str("id", 1), str("path", 2), str("dir", 3), str("label", 4)}},
			{"Release", []field{str("id", 1), str("marker", 2), str("url", 3)}},
			{"TaskState", []field{int64f("pid", 1), str("status_file", 2), str("output_file", 3)}},
		},
		[]interface{}{(*PushedFile)(nil), (*AccessInfo)(nil), (*Deployment)(nil), (*Release)(nil), (*TaskState)(nil)},
		filesInfos)
}
