package main

// The plugin's output messages, assembled by hand (see handproto) with
// these full names:
//
//	gobuild.v1.Binary        (handproto.Binary, what goplugin builds)
//	gofiles.v1.PushedFile    { string path = 1; string source = 2; }
//	gofiles.v1.AccessInfo    { }
//	gofiles.v1.Deployment    { string id = 1; string path = 2; string dir = 3; string label = 4;
//	                           int64 pid = 5; int64 port = 6; string url = 7; }
//	gofiles.v1.Release       { string id = 1; string marker = 2; string url = 3; }
//	gofiles.v1.TaskState     { int64 pid = 1; string status_file = 2; string output_file = 3; }

import (
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/runtime/protoimpl"

	"wpconformance/internal/handproto"
)

type Binary = handproto.Binary

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
	// Serve mode only.
	Pid  int64  `protobuf:"varint,5,opt,name=pid,proto3" json:"pid,omitempty"`
	Port int64  `protobuf:"varint,6,opt,name=port,proto3" json:"port,omitempty"`
	Url  string `protobuf:"bytes,7,opt,name=url,proto3" json:"url,omitempty"`
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

var filesInfos = make([]protoimpl.MessageInfo, 5)

func (x *PushedFile) ProtoReflect() protoreflect.Message { return filesInfos[0].MessageOf(x) }
func (x *AccessInfo) ProtoReflect() protoreflect.Message { return filesInfos[1].MessageOf(x) }
func (x *Deployment) ProtoReflect() protoreflect.Message { return filesInfos[2].MessageOf(x) }
func (x *Release) ProtoReflect() protoreflect.Message    { return filesInfos[3].MessageOf(x) }
func (x *TaskState) ProtoReflect() protoreflect.Message  { return filesInfos[4].MessageOf(x) }

func (x *PushedFile) Reset() { *x = PushedFile{} }
func (x *AccessInfo) Reset() { *x = AccessInfo{} }
func (x *Deployment) Reset() { *x = Deployment{} }
func (x *Release) Reset()    { *x = Release{} }
func (x *TaskState) Reset()  { *x = TaskState{} }

func (x *PushedFile) String() string { return protoimpl.X.MessageStringOf(x) }
func (x *AccessInfo) String() string { return protoimpl.X.MessageStringOf(x) }
func (x *Deployment) String() string { return protoimpl.X.MessageStringOf(x) }
func (x *Release) String() string    { return protoimpl.X.MessageStringOf(x) }
func (x *TaskState) String() string  { return protoimpl.X.MessageStringOf(x) }

func (*PushedFile) ProtoMessage() {}
func (*AccessInfo) ProtoMessage() {}
func (*Deployment) ProtoMessage() {}
func (*Release) ProtoMessage()    {}
func (*TaskState) ProtoMessage()  {}

func init() {
	str, int64f := handproto.String, handproto.Int64
	handproto.Register("gofiles/v1/files.proto", "gofiles.v1",
		[]handproto.Message{
			{Name: "PushedFile", Fields: []handproto.Field{str("path", 1), str("source", 2)}},
			{Name: "AccessInfo"},
			{Name: "Deployment", Fields: []handproto.Field{str("id", 1), str("path", 2), str("dir", 3), str("label", 4), int64f("pid", 5), int64f("port", 6), str("url", 7)}},
			{Name: "Release", Fields: []handproto.Field{str("id", 1), str("marker", 2), str("url", 3)}},
			{Name: "TaskState", Fields: []handproto.Field{int64f("pid", 1), str("status_file", 2), str("output_file", 3)}},
		},
		[]interface{}{(*PushedFile)(nil), (*AccessInfo)(nil), (*Deployment)(nil), (*Release)(nil), (*TaskState)(nil)},
		filesInfos)
}
