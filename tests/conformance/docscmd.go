package main

import (
	"time"

	"github.com/hashicorp/waypoint-plugin-sdk/component"
	"github.com/hashicorp/waypoint-plugin-sdk/docs"
)

// componentNames are the dispense names Waypoint uses for the four app
// component types (the lower-cased component.Type names).
var componentNames = []string{"builder", "registry", "platform", "releasemanager"}

// DocsReport is the result of `wphost docs`.
// Its stage is dispense|docs|kill, "" when ok.
type DocsReport struct {
	verdict
	Panic     string `json:"panic,omitempty"`
	Component string `json:"component"`
	// Documented says whether the dispensed client implements
	// component.Documented (it always should: the SDK's client wrappers do).
	Documented bool           `json:"documented"`
	Docs       *DocsOut       `json:"docs"`
	Process    *ProcessReport `json:"process"`
	Timings    DocsTimings    `json:"timings"`
}

type DocsTimings struct {
	DocsCallMs float64 `json:"docsCallMs"`
	SessionMs  float64 `json:"sessionMs"`
}

// DocsOut is docs.Documentation as read through its public accessors.
// Top-level field lists come back sorted by name (the accessors sort the
// keys of the proto maps); sub-fields and mappers keep the order the plugin
// sent (they are repeated fields on the wire).
type DocsOut struct {
	Description    string      `json:"description"`
	Example        string      `json:"example"`
	Input          string      `json:"input"`
	Output         string      `json:"output"`
	Fields         []*FieldOut `json:"fields"`
	Mappers        []MapperOut `json:"mappers"`
	TemplateFields []*FieldOut `json:"templateFields"`
	RequestFields  []*FieldOut `json:"requestFields"`
}

type FieldOut struct {
	Field     string      `json:"field"`
	Type      string      `json:"type"`
	Synopsis  string      `json:"synopsis"`
	Summary   string      `json:"summary"`
	Optional  bool        `json:"optional"`
	Default   string      `json:"default"`
	EnvVar    string      `json:"envVar"`
	Category  bool        `json:"category"`
	SubFields []*FieldOut `json:"subFields"`
}

type MapperOut struct {
	Input       string `json:"input"`
	Output      string `json:"output"`
	Description string `json:"description"`
}

// docsScenario starts the plugin as Waypoint's component creator does
// (spawn, dispense the component type, list mappers) and asks it for its
// documentation through component.Documentation, which is the call both the
// runner's docs operation and the CLI make on a dispensed component.
func (h *host) docsScenario(name string) *DocsReport {
	rep := &DocsReport{Component: name}
	runSolo(&rep.verdict, &rep.Panic, &rep.Timings.SessionMs, "dispense", func(s *solo) {
		var err error
		s.p, err = h.spawn(name, h.logger("wphost."+name))
		rep.Process = s.p.rep
		var raw interface{}
		if err == nil {
			raw, err = s.p.dispense(name)
		}
		if err != nil {
			s.fail(err)
			return
		}
		_, rep.Documented = raw.(component.Documented)

		s.stage = "docs"
		t := time.Now()
		d, err := component.Documentation(raw)
		rep.Timings.DocsCallMs = ms(time.Since(t))
		if err != nil {
			s.fail(err)
			return
		}
		if d != nil {
			rep.Docs = docsOut(d)
		}
		rep.OK = true
	})
	return rep
}

func docsOut(d *docs.Documentation) *DocsOut {
	det := d.Details()
	out := &DocsOut{
		Description:    det.Description,
		Example:        det.Example,
		Input:          det.Input,
		Output:         det.Output,
		Fields:         fieldsOut(d.Fields()),
		Mappers:        []MapperOut{},
		TemplateFields: fieldsOut(d.TemplateFields()),
		RequestFields:  fieldsOut(d.RequestFields()),
	}
	for _, m := range det.Mappers {
		out.Mappers = append(out.Mappers, MapperOut{Input: m.Input, Output: m.Output, Description: m.Description})
	}
	return out
}

func fieldsOut(fs []*docs.FieldDocs) []*FieldOut {
	out := []*FieldOut{}
	for _, f := range fs {
		out = append(out, &FieldOut{
			Field:     f.Field,
			Type:      f.Type,
			Synopsis:  f.Synopsis,
			Summary:   f.Summary,
			Optional:  f.Optional,
			Default:   f.Default,
			EnvVar:    f.EnvVar,
			Category:  f.Category,
			SubFields: fieldsOut(f.SubFields),
		})
	}
	return out
}
