// Our Observer proto as text (a TS module, so tsx, esbuild bundles and the e2e suites all load it the same way;
// no file next to dist/ and no build plugin).
export const OBSERVER_PROTO = `// Our own minimal subset of Cilium's Hubble Observer API (api/v1/observer/observer.proto and api/v1/flow/flow.proto,
// Apache-2.0): only the messages and fields the inspector reads, with Cilium's field numbers so it is
// wire-compatible with a real hubble-relay. The flow messages live in package "observer" here (one file, embedded
// in the bundle); package names of messages never reach the wire, only the service path /observer.Observer/.
syntax = "proto3";

package observer;

import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";

service Observer {
  rpc GetFlows(GetFlowsRequest) returns (stream GetFlowsResponse) {}
  rpc GetNodes(GetNodesRequest) returns (GetNodesResponse) {}
  rpc ServerStatus(ServerStatusRequest) returns (ServerStatusResponse) {}
}

message GetFlowsRequest {
  uint64 number = 1;
  bool follow = 3;
  repeated FlowFilter blacklist = 5;
  repeated FlowFilter whitelist = 6;
  google.protobuf.Timestamp since = 7;
  google.protobuf.Timestamp until = 8;
  bool first = 9;
}

message GetFlowsResponse {
  oneof response_types {
    Flow flow = 1;
    NodeStatusEvent node_status = 2;
    LostEvent lost_events = 3;
  }
  string node_name = 1000;
  google.protobuf.Timestamp time = 1001;
}

message ServerStatusRequest {}

message ServerStatusResponse {
  uint64 num_flows = 1;
  uint64 max_flows = 2;
  uint64 seen_flows = 3;
  uint64 uptime_ns = 4;
  google.protobuf.UInt32Value num_connected_nodes = 5;
  google.protobuf.UInt32Value num_unavailable_nodes = 6;
  repeated string unavailable_nodes = 7;
  string version = 8;
}

message GetNodesRequest {}

message GetNodesResponse {
  repeated Node nodes = 1;
}

message Node {
  string name = 1;
  string version = 2;
  string address = 3;
  NodeState state = 4;
}

enum NodeState {
  UNKNOWN_NODE_STATE = 0;
  NODE_CONNECTED = 1;
  NODE_UNAVAILABLE = 2;
  NODE_GONE = 3;
  NODE_ERROR = 4;
}

message NodeStatusEvent {
  NodeState state_change = 1;
  repeated string node_names = 2;
  string message = 3;
}

// flow.FlowFilter: all set fields must match; filters in a list are OR-ed.
message FlowFilter {
  repeated string source_ip = 1;
  repeated string source_pod = 2;
  repeated string destination_ip = 3;
  repeated string destination_pod = 4;
  repeated Verdict verdict = 5;
  repeated EventTypeFilter event_type = 6;
  repeated string source_fqdn = 7;
  repeated string destination_fqdn = 8;
  repeated string source_label = 10;
  repeated string destination_label = 11;
  repeated string protocol = 12;
  repeated string destination_port = 14;
  repeated string dns_query = 18;
  repeated string node_name = 24;
  repeated TrafficDirection traffic_direction = 30;
}

message EventTypeFilter {
  int32 type = 1;
  bool match_sub_type = 2;
  int32 sub_type = 3;
}

// flow.LostEvent
message LostEvent {
  LostEventSource source = 1;
  uint64 num_events_lost = 2;
}

enum LostEventSource {
  UNKNOWN_LOST_EVENT_SOURCE = 0;
  PERF_EVENT_RING_BUFFER = 1;
  OBSERVER_EVENTS_QUEUE = 2;
  HUBBLE_RING_BUFFER = 3;
}

// flow.Flow
message Flow {
  google.protobuf.Timestamp time = 1;
  Verdict verdict = 2;
  uint32 drop_reason = 3;
  IP IP = 5;
  Layer4 l4 = 6;
  Endpoint source = 8;
  Endpoint destination = 9;
  FlowType Type = 10;
  string node_name = 11;
  repeated string source_names = 13;
  repeated string destination_names = 14;
  Layer7 l7 = 15;
  CiliumEventType event_type = 19;
  TrafficDirection traffic_direction = 22;
  DropReason drop_reason_desc = 25;
  google.protobuf.BoolValue is_reply = 26;
  string uuid = 34;
}

enum Verdict {
  VERDICT_UNKNOWN = 0;
  FORWARDED = 1;
  DROPPED = 2;
  ERROR = 3;
  AUDIT = 4;
  REDIRECTED = 5;
  TRACED = 6;
  TRANSLATED = 7;
}

enum FlowType {
  UNKNOWN_TYPE = 0;
  L3_L4 = 1;
  L7 = 2;
  SOCK = 3;
}

enum TrafficDirection {
  TRAFFIC_DIRECTION_UNKNOWN = 0;
  INGRESS = 1;
  EGRESS = 2;
}

// Only the names we show; any other reason arrives as its number (proto3 enums are open).
enum DropReason {
  DROP_REASON_UNKNOWN = 0;
  POLICY_DENIED = 133;
  POLICY_DENY = 181;
  AUTH_REQUIRED = 189;
}

enum IPVersion {
  IP_NOT_USED = 0;
  IPv4 = 1;
  IPv6 = 2;
}

message IP {
  string source = 1;
  string destination = 2;
  IPVersion ipVersion = 3;
}

message Layer4 {
  oneof protocol {
    TCP TCP = 1;
    UDP UDP = 2;
    ICMPv4 ICMPv4 = 3;
    ICMPv6 ICMPv6 = 4;
    SCTP SCTP = 5;
  }
}

message TCP {
  uint32 source_port = 1;
  uint32 destination_port = 2;
  TCPFlags flags = 3;
}

message TCPFlags {
  bool FIN = 1;
  bool SYN = 2;
  bool RST = 3;
  bool PSH = 4;
  bool ACK = 5;
  bool URG = 6;
  bool ECE = 7;
  bool CWR = 8;
  bool NS = 9;
}

message UDP {
  uint32 source_port = 1;
  uint32 destination_port = 2;
}

message SCTP {
  uint32 source_port = 1;
  uint32 destination_port = 2;
}

message ICMPv4 {
  uint32 type = 1;
  uint32 code = 2;
}

message ICMPv6 {
  uint32 type = 1;
  uint32 code = 2;
}

message Endpoint {
  uint32 ID = 1;
  uint32 identity = 2;
  string namespace = 3;
  repeated string labels = 4;
  string pod_name = 5;
  repeated Workload workloads = 6;
}

message Workload {
  string name = 1;
  string kind = 2;
}

message CiliumEventType {
  int32 type = 1;
  int32 sub_type = 2;
}

enum L7FlowType {
  UNKNOWN_L7_TYPE = 0;
  REQUEST = 1;
  RESPONSE = 2;
  SAMPLE = 3;
}

message Layer7 {
  L7FlowType type = 1;
  uint64 latency_ns = 2;
  oneof record {
    DNS dns = 100;
  }
}

message DNS {
  string query = 1;
  repeated string ips = 2;
  uint32 ttl = 3;
  repeated string cnames = 4;
  string observation_source = 5;
  uint32 rcode = 6;
  repeated string qtypes = 7;
  repeated string rrtypes = 8;
}
`;
