package main

import (
	"encoding/base64"
	"encoding/json"
	"sort"
	"time"

	"github.com/hashicorp/opaqueany"
	"github.com/hashicorp/waypoint-plugin-sdk/component"
	sdkpb "github.com/hashicorp/waypoint-plugin-sdk/proto/gen"
)

// LifecycleReport is the result of `wphost lifecycle`.
//
// Its stage is the failing step (build|push|deploy|release|status|exec|
// logs|destroy), or config|mapper|kill; "" when ok.
type LifecycleReport struct {
	verdict
	MissingArgs []string `json:"missingArgs,omitempty"`
	Panic       string   `json:"panic,omitempty"`
	App         string   `json:"app,omitempty"`
	// Plugins maps each `use` name to the executable launched for it.
	Plugins map[string]string `json:"plugins"`
	// Mappers is what each plugin's mapper probe (ListMappers) returned.
	Mappers              map[string]int   `json:"mappers"`
	ConfigureDiagnostics []string         `json:"configureDiagnostics"`
	Steps                LifecycleSteps   `json:"steps"`
	Processes            []*ProcessReport `json:"processes"`
	Timings              LifecycleTimings `json:"timings"`
}

// LifecycleSteps holds one entry per requested step that started.
type LifecycleSteps struct {
	Build   *BuildStep   `json:"build,omitempty"`
	Push    *PushStep    `json:"push,omitempty"`
	Deploy  *DeployStep  `json:"deploy,omitempty"`
	Release *ReleaseStep `json:"release,omitempty"`
	Status  *StatusStep  `json:"status,omitempty"`
	Exec    *ExecStep    `json:"exec,omitempty"`
	Logs    *LogsStep    `json:"logs,omitempty"`
	Destroy *DestroyStep `json:"destroy,omitempty"`
}

type LifecycleTimings struct {
	SpawnToClientMs []float64          `json:"spawnToClientMs"`
	StepsMs         map[string]float64 `json:"stepsMs"`
	SessionMs       float64            `json:"sessionMs"`
}

// StepCommon is in every step: ok/error, and the warnings Waypoint would
// only log (template variables it could not build, for instance).
type StepCommon struct {
	OK       bool     `json:"ok"`
	Error    string   `json:"error"`
	Warnings []string `json:"warnings,omitempty"`
	// ConfigVars lists the top-level HCL variables the step's main
	// component was configured with (besides the functions Waypoint adds).
	ConfigVars []string `json:"configVars,omitempty"`
}

func (s *StepCommon) common() *StepCommon { return s }

type BuildStep struct {
	StepCommon
	Result      *Result `json:"result"`
	HasRegistry bool    `json:"hasRegistry"`
	// AccessInfo is the registry's Access result, passed to the build as a
	// typed value and as the named Any access_info.
	AccessInfo *AnyOut `json:"accessInfo"`
}

type PushStep struct {
	StepCommon
	// Registry is false when the pushed artifact is the build artifact
	// itself (no registry stanza).
	Registry bool    `json:"registry"`
	Result   *Result `json:"result"`
}

type DeployStep struct {
	StepCommon
	Result            *Result              `json:"result"`
	URL               string               `json:"url"`
	DeclaredResources []*ResourceOut       `json:"declaredResources"`
	HasExec           bool                 `json:"hasExec"`
	HasLogs           bool                 `json:"hasLogs"`
	Generation        *GenerationOut       `json:"generation"`
	DeploymentConfig  *DeploymentConfigOut `json:"deploymentConfig"`
}

type GenerationOut struct {
	// ID is what the plugin returned; GenerationID what Waypoint stores
	// (a name-based SHA-1 UUID of it in the DNS namespace, no dashes).
	ID           string `json:"id"`
	GenerationID string `json:"generationId"`
}

type DeploymentConfigOut struct {
	ID                    string `json:"id"`
	ServerAddr            string `json:"serverAddr"`
	EntrypointInviteToken string `json:"entrypointInviteToken"`
	Sequence              uint64 `json:"sequence"`
}

type ReleaseStep struct {
	StepCommon
	// Releaser is "releasemanager" (release stanza), "default" (the
	// platform's DefaultReleaserFunc) or "none" (Waypoint records an
	// unimplemented release).
	Releaser          string         `json:"releaser"`
	Unimplemented     bool           `json:"unimplemented"`
	Result            *Result        `json:"result"`
	URL               string         `json:"url"`
	DeclaredResources []*ResourceOut `json:"declaredResources"`
}

type StatusStep struct {
	StepCommon
	Deployment *StatusOut `json:"deployment"`
	Release    *StatusOut `json:"release"`
}

type StatusOut struct {
	// Implemented is false when the component has no StatusFunc; Waypoint
	// then records nothing.
	Implemented      bool                 `json:"implemented"`
	Skipped          string               `json:"skipped,omitempty"`
	Health           string               `json:"health"`
	HealthMessage    string               `json:"healthMessage"`
	External         bool                 `json:"external"`
	GeneratedTimeSet bool                 `json:"generatedTimeSet"`
	GeneratedTime    string               `json:"generatedTime"`
	Resources        []*StatusResourceOut `json:"resources"`
}

type StatusResourceOut struct {
	Name                string `json:"name"`
	Health              string `json:"health"`
	HealthMessage       string `json:"healthMessage"`
	ID                  string `json:"id"`
	Platform            string `json:"platform"`
	Type                string `json:"type"`
	PlatformURL         string `json:"platformUrl"`
	CategoryDisplayHint string `json:"categoryDisplayHint"`
	StateJSON           string `json:"stateJson"`
}

type ExecStep struct {
	StepCommon
	Implemented bool     `json:"implemented"`
	Args        []string `json:"args"`
	TTY         bool     `json:"tty"`
	ExitCode    int      `json:"exitCode"`
	Stdout      string   `json:"stdout"`
	Stderr      string   `json:"stderr"`
}

type LogsStep struct {
	StepCommon
	Implemented bool        `json:"implemented"`
	StartingAt  string      `json:"startingAt"`
	Limit       int         `json:"limit"`
	Events      []*LogEvOut `json:"events"`
	// LateEvents counts events still buffered when the Logs call returned:
	// Waypoint stops reading at that moment and may drop them.
	LateEvents int `json:"lateEvents"`
}

type LogEvOut struct {
	Partition string `json:"partition"`
	Timestamp string `json:"timestamp"`
	Contents  string `json:"contents"`
}

type DestroyStep struct {
	StepCommon
	Release             *DestroyOut `json:"release"`
	Deployment          *DestroyOut `json:"deployment"`
	ReleaseWorkspace    *DestroyOut `json:"releaseWorkspace"`
	DeploymentWorkspace *DestroyOut `json:"deploymentWorkspace"`
}

type DestroyOut struct {
	// Called: the plugin's destroy function was invoked. Releaser is set
	// for release destroys (as in ReleaseStep).
	Called             bool           `json:"called"`
	Releaser           string         `json:"releaser,omitempty"`
	DeclaredResources  []*ResourceOut `json:"declaredResources"`
	DestroyedResources []*ResourceOut `json:"destroyedResources"`
}

type ResourceOut struct {
	Name                string `json:"name"`
	Type                string `json:"type"`
	Platform            string `json:"platform"`
	CategoryDisplayHint string `json:"categoryDisplayHint,omitempty"`
	StateJSON           string `json:"stateJson"`
	StateTypeURL        string `json:"stateTypeUrl,omitempty"`
}

// AnyOut shows an Any the host never decodes.
type AnyOut struct {
	TypeURL     string                 `json:"typeUrl"`
	ValueBase64 string                 `json:"valueBase64"`
	Fields      map[string]interface{} `json:"fields"`
}

func anyOut(a *opaqueany.Any) *AnyOut {
	if a == nil {
		return nil
	}
	return &AnyOut{
		TypeURL:     a.TypeUrl,
		ValueBase64: base64.StdEncoding.EncodeToString(a.Value),
		Fields:      decodeFields(a.Value),
	}
}

// resultOut reads an operation result through the interfaces Waypoint's
// doOperation uses: ProtoAny for the stored value, json.Marshaler for the
// *_json column, component.Template for template data, Labels() for labels
// merged over the component's.
func resultOut(raw interface{}, base map[string]string) (*Result, error) {
	res := &Result{Labels: map[string]string{}, StoredLabels: map[string]string{}}
	a, err := component.ProtoAny(raw)
	if err != nil {
		return nil, err
	}
	if a != nil {
		res.TypeURL = a.TypeUrl
		res.ValueBase64 = base64.StdEncoding.EncodeToString(a.Value)
		res.Fields = decodeFields(a.Value)
	}
	if m, ok := raw.(json.Marshaler); ok {
		b, err := m.MarshalJSON()
		if err != nil {
			return nil, err
		}
		res.JSON = string(b)
	}
	if t, ok := raw.(component.Template); ok {
		if b, err := json.Marshal(t.TemplateData()); err == nil {
			json.Unmarshal(b, &res.TemplateData)
		}
	}
	if l, ok := raw.(interface{ Labels() map[string]string }); ok && l.Labels() != nil {
		res.Labels = l.Labels()
	}
	for _, m := range []map[string]string{base, res.Labels} {
		for k, v := range m {
			res.StoredLabels[k] = v
		}
	}
	return res, nil
}

func declaredOut(rs []*sdkpb.DeclaredResource) []*ResourceOut {
	out := []*ResourceOut{}
	for _, r := range rs {
		o := &ResourceOut{
			Name:                r.Name,
			Type:                r.Type,
			Platform:            r.Platform,
			CategoryDisplayHint: r.CategoryDisplayHint.String(),
			StateJSON:           r.StateJson,
		}
		if r.State != nil {
			o.StateTypeURL = r.State.TypeUrl
		}
		out = append(out, o)
	}
	return out
}

func destroyedOut(rs []*sdkpb.DestroyedResource) []*ResourceOut {
	out := []*ResourceOut{}
	for _, r := range rs {
		o := &ResourceOut{Name: r.Name, Type: r.Type, Platform: r.Platform, StateJSON: r.StateJson}
		if r.State != nil {
			o.StateTypeURL = r.State.TypeUrl
		}
		out = append(out, o)
	}
	return out
}

func statusOut(r *sdkpb.StatusReport) *StatusOut {
	o := &StatusOut{
		Implemented:   true,
		Health:        r.Health.String(),
		HealthMessage: r.HealthMessage,
		External:      r.External,
		Resources:     []*StatusResourceOut{},
	}
	if r.GeneratedTime != nil {
		o.GeneratedTimeSet = true
		o.GeneratedTime = r.GeneratedTime.AsTime().UTC().Format(time.RFC3339Nano)
	}
	for _, res := range r.Resources {
		o.Resources = append(o.Resources, &StatusResourceOut{
			Name:                res.Name,
			Health:              res.Health.String(),
			HealthMessage:       res.HealthMessage,
			ID:                  res.Id,
			Platform:            res.Platform,
			Type:                res.Type,
			PlatformURL:         res.PlatformUrl,
			CategoryDisplayHint: res.CategoryDisplayHint.String(),
			StateJSON:           res.StateJson,
		})
	}
	return o
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
