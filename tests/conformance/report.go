package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"runtime/debug"
	"sort"
	"strconv"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
)

// verdict opens every report: whether the scenario passed and, when it did
// not, the stage it failed in and why.
type verdict struct {
	OK    bool   `json:"ok"`
	Stage string `json:"stage"`
	Error string `json:"error"`
}

func (v *verdict) fail(stage string, err error) {
	v.OK = false
	v.Stage = stage
	if err != nil {
		v.Error = err.Error()
	}
}

// panicReport is what a report keeps of a panic recovered in the Go client
// code: the value and the stack.
func panicReport(x interface{}) string {
	return fmt.Sprintf("%v\n%s", x, debug.Stack())
}

// Report is the result of build, kill and handshake. Its stage is
// config|mapper|dispense|configure|build|push|kill, "" when ok.
type Report struct {
	verdict
	// Panic is set when the Go client code panicked: Waypoint itself would
	// have crashed on this plugin behaviour.
	Panic string `json:"panic,omitempty"`
	// MissingArgs lists what argmapper could not satisfy (Any subtypes
	// shown as the message name, as Waypoint prints them).
	MissingArgs          []string         `json:"missingArgs,omitempty"`
	App                  string           `json:"app,omitempty"`
	Use                  string           `json:"use,omitempty"`
	ConfigureDiagnostics []string         `json:"configureDiagnostics"`
	Result               *Result          `json:"result"`
	Mappers              int              `json:"mappers"`
	Processes            []*ProcessReport `json:"processes"`
	Timings              Timings          `json:"timings"`
	// kill -bad-client-cert: the foreign-cert and no-cert connections were
	// both refused; MTLSChecks has every attempt.
	ForeignClientRefused *bool       `json:"foreignClientRefused,omitempty"`
	MTLSChecks           *MTLSChecks `json:"mtlsChecks,omitempty"`
}

type Result struct {
	TypeURL     string                 `json:"typeUrl"`
	ValueBase64 string                 `json:"valueBase64"`
	Fields      map[string]interface{} `json:"fields"`
	// JSON is what Waypoint stores as artifact_json (Build.Resp.result_json).
	JSON         string                 `json:"json"`
	TemplateData map[string]interface{} `json:"templateData"`
	// Labels are the labels the plugin returned; StoredLabels is the merge
	// Waypoint would store on the build (workspace label + component + result).
	Labels       map[string]string `json:"labels"`
	StoredLabels map[string]string `json:"storedLabels"`
}

type ProcessReport struct {
	Role            string  `json:"role"`
	Pid             int     `json:"pid"`
	Network         string  `json:"network"`
	Address         string  `json:"address"`
	SpawnToClientMs float64 `json:"spawnToClientMs"`
	KillMs          float64 `json:"killMs"`
	Exited          bool    `json:"exited"`
	Forced          bool    `json:"forced"`
	// nil for TCP listeners, where there is no socket file.
	SocketRemovedAfterKill *bool `json:"socketRemovedAfterKill"`
	// RPCs is every call the host made on the plugin's main connection, in
	// the order they started ("Service/Method", the SDK's package prefix
	// dropped; " !Code" appended when it failed). Only lifecycle and task
	// record it. Calls on broker connections are not included.
	RPCs []string `json:"rpcs,omitempty"`
	// TLS: the host dialed the main connection (and serves/dials broker
	// connections) with TLS, i.e. go-plugin's AutoMTLS was on (-automtls).
	TLS bool `json:"tls"`
	// MTLS details the AutoMTLS exchange (only with -automtls).
	MTLS *MTLSReport `json:"mtls,omitempty"`
	// Reattached: connected through WP_REATTACH_PLUGINS (-reattach) instead
	// of spawning; ReattachTest is the entry's Test flag. With Test=true
	// Kill leaves the process alone. AliveAfterKill says whether it still
	// runs; Exited is its negation.
	Reattached     bool  `json:"reattached,omitempty"`
	ReattachTest   bool  `json:"reattachTest,omitempty"`
	AliveAfterKill *bool `json:"aliveAfterKill,omitempty"`
}

// leaked reports a process that should have exited but did not. A process
// reattached in test mode is expected to stay up: Waypoint never stops it.
func (p *ProcessReport) leaked() bool {
	return !p.Exited && !(p.Reattached && p.ReattachTest)
}

type Timings struct {
	SpawnToClientMs []float64 `json:"spawnToClientMs"`
	// BuildCallMs covers BuildFunc (BuildSpec RPC) plus the Build call.
	BuildCallMs float64  `json:"buildCallMs,omitempty"`
	SessionMs   float64  `json:"sessionMs"`
	Handshake   *Summary `json:"handshake,omitempty"`
	Kill        *Summary `json:"kill,omitempty"`
}

type Summary struct {
	N      int     `json:"n"`
	Min    float64 `json:"min"`
	Median float64 `json:"median"`
	P90    float64 `json:"p90"`
	Max    float64 `json:"max"`
}

func newReport() *Report {
	return &Report{ConfigureDiagnostics: []string{}, Processes: []*ProcessReport{}}
}

// writeJSON writes any report shape in the same indented form.
func writeJSON(path string, r interface{}) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

func summarize(xs []float64) *Summary {
	if len(xs) == 0 {
		return nil
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	at := func(q float64) float64 {
		i := int(q*float64(len(s)-1) + 0.5)
		return s[i]
	}
	return &Summary{N: len(s), Min: s[0], Median: at(0.5), P90: at(0.9), Max: s[len(s)-1]}
}

// decodeFields reads a serialized message without its schema: we never have
// the plugin's Go types, only the Any. Length-delimited fields become strings
// when they are valid UTF-8 and {"base64": ...} otherwise; repeated fields
// become arrays.
func decodeFields(b []byte) map[string]interface{} {
	out := map[string]interface{}{}
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			out["_error"] = protowire.ParseError(n).Error()
			return out
		}
		b = b[n:]

		var v interface{}
		switch typ {
		case protowire.VarintType:
			x, m := protowire.ConsumeVarint(b)
			v, n = x, m
		case protowire.Fixed32Type:
			x, m := protowire.ConsumeFixed32(b)
			v, n = x, m
		case protowire.Fixed64Type:
			x, m := protowire.ConsumeFixed64(b)
			v, n = x, m
		case protowire.BytesType:
			x, m := protowire.ConsumeBytes(b)
			if utf8.Valid(x) {
				v = string(x)
			} else {
				v = map[string]string{"base64": base64.StdEncoding.EncodeToString(x)}
			}
			n = m
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
			v = map[string]interface{}{"wireType": int(typ)}
		}
		if n < 0 {
			out["_error"] = protowire.ParseError(n).Error()
			return out
		}
		b = b[n:]

		key := strconv.Itoa(int(num))
		switch prev := out[key].(type) {
		case nil:
			out[key] = v
		case []interface{}:
			out[key] = append(prev, v)
		default:
			out[key] = []interface{}{prev, v}
		}
	}
	return out
}
