package main

import (
	"fmt"
	"time"
)

// killScenario measures one plugin shutdown after a builder dispense (which
// has already run the IsAuthenticator probe). With mtlsChecks (AutoMTLS on)
// it first tries foreign connections to the plugin's address.
func (h *host) killScenario(mtlsChecks bool) *Report {
	start := time.Now()
	rep := newReport()
	s := h.newSession(&rep.Processes, &rep.Timings.SpawnToClientMs)
	defer func() { rep.Timings.SessionMs = ms(time.Since(start)) }()

	p, err := s.spawn("builder", h.logger("wphost.builder"))
	if err == nil {
		_, err = p.rpc.Dispense("builder")
	}
	if err == nil && mtlsChecks {
		var c *MTLSChecks
		if c, err = runMTLSChecks(p.rep.Network, p.rep.Address, p.tlsConfig); err == nil {
			rep.MTLSChecks = c
			refused := c.ForeignCert.Refused && c.NoCert.Refused
			rep.ForeignClientRefused = &refused
		} else {
			s.killAll()
			rep.fail("mtls", err)
			return rep
		}
	}
	s.killAll()
	if err != nil {
		rep.fail("dispense", err)
		return rep
	}
	if p.rep.leaked() {
		rep.fail("kill", fmt.Errorf("process %d still running after Kill", p.rep.Pid))
		return rep
	}
	rep.OK = true
	return rep
}

// handshakeScenario repeats spawn + connect + Kill to measure start-up cost.
func (h *host) handshakeScenario(n int) *Report {
	start := time.Now()
	rep := newReport()
	s := h.newSession(&rep.Processes, &rep.Timings.SpawnToClientMs)
	defer func() { rep.Timings.SessionMs = ms(time.Since(start)) }()

	log := h.logger("wphost.handshake")
	var kills []float64
	rep.OK = true
	for i := 0; i < n; i++ {
		p, err := s.spawn("handshake", log)
		s.killAll()
		kills = append(kills, p.rep.KillMs)
		if err != nil {
			rep.fail("dispense", fmt.Errorf("round %d: %w", i+1, err))
			break
		}
		if p.rep.leaked() {
			rep.fail("kill", fmt.Errorf("round %d: process %d still running after Kill", i+1, p.rep.Pid))
			break
		}
	}
	rep.Timings.Handshake = summarize(rep.Timings.SpawnToClientMs)
	rep.Timings.Kill = summarize(kills)
	return rep
}

// solo is one run of a scenario on a single plugin process (docs, probe,
// rpcbench).
type solo struct {
	v     *verdict
	stage string
	p     *proc
}

func (s *solo) fail(err error) { s.v.fail(s.stage, err) }

// runSolo runs body from stage and records a panic in v and panicText.
// Whatever the outcome, s.p is killed after body; a process that outlives
// Kill fails a scenario that otherwise passed.
func runSolo(v *verdict, panicText *string, sessionMs *float64, stage string, body func(s *solo)) {
	start := time.Now()
	s := &solo{v: v, stage: stage}
	defer func() {
		if x := recover(); x != nil {
			v.fail(s.stage, fmt.Errorf("panic: %v", x))
			*panicText = panicReport(x)
		}
		if s.p != nil {
			s.p.kill()
			if v.OK && s.p.rep.leaked() {
				v.fail("kill", fmt.Errorf("process %d still running after Kill", s.p.rep.Pid))
			}
		}
		*sessionMs = ms(time.Since(start))
	}()
	body(s)
}
