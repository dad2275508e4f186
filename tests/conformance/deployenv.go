package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/hashicorp/waypoint-plugin-sdk/component"
)

// deployEnvCase is one component.DeploymentConfig, with the JSON names of
// the toolkit's DeploymentConfig.
type deployEnvCase struct {
	ID                    string `json:"id"`
	Sequence              uint64 `json:"sequence"`
	ServerAddr            string `json:"serverAddr"`
	ServerTLS             bool   `json:"serverTls"`
	ServerTLSSkipVerify   bool   `json:"serverTlsSkipVerify"`
	EntrypointInviteToken string `json:"entrypointInviteToken"`
}

// DeployEnvReport is the result of `wphost deployenv`: the SDK's
// DeploymentConfig.Env() of each case, in order.
type DeployEnvReport struct {
	verdict
	Envs []map[string]string `json:"envs"`
}

// cmdDeployEnv calls the real SDK function on every case of -cases (a JSON
// array), so a test can hold the toolkit's deploymentEnv() equal to it.
func cmdDeployEnv(args []string) error {
	var cases, report string
	fs := flag.NewFlagSet("deployenv", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	fs.StringVar(&cases, "cases", "", "JSON array of deployment configs")
	fs.StringVar(&report, "report", "", "where to write the JSON report")
	fs.String("log", "", "ignored (no plugin runs)")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if cases == "" || report == "" || fs.NArg() > 0 {
		return usageError{fmt.Errorf("-cases and -report are required")}
	}
	raw, err := os.ReadFile(cases)
	if err != nil {
		return err
	}
	var in []deployEnvCase
	rep := &DeployEnvReport{Envs: []map[string]string{}}
	if err := json.Unmarshal(raw, &in); err != nil {
		rep.fail("cases", err)
		return writeJSON(report, rep)
	}
	for _, c := range in {
		dc := &component.DeploymentConfig{
			Id:                    c.ID,
			Sequence:              c.Sequence,
			ServerAddr:            c.ServerAddr,
			ServerTls:             c.ServerTLS,
			ServerTlsSkipVerify:   c.ServerTLSSkipVerify,
			EntrypointInviteToken: c.EntrypointInviteToken,
		}
		rep.Envs = append(rep.Envs, dc.Env())
	}
	rep.OK = true
	return writeJSON(report, rep)
}
