package main

// AutoMTLS facts: what go-plugin's client put in PLUGIN_CLIENT_CERT, the
// certificate the plugin presented on the main connection, and (kill
// -bad-client-cert) whether the plugin turns away clients that do not hold
// the host's certificate.

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os/exec"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// MTLSReport is filled for every process spawned with -automtls.
type MTLSReport struct {
	// ClientCertEnv describes the PLUGIN_CLIENT_CERT value go-plugin added
	// to the plugin's environment; ClientCert is that certificate parsed.
	ClientCertEnv *CertEnvInfo `json:"clientCertEnv"`
	ClientCert    *CertInfo    `json:"clientCert"`
	// ServerCertInHandshake: handshake field 6 was longer than 50
	// characters and parsed as a base64 (raw std) DER certificate, which
	// go-plugin then installed as the only root CA for the connection.
	ServerCertInHandshake bool `json:"serverCertInHandshake"`
	// ServerName is the name go-plugin verifies the plugin's cert against.
	ServerName string `json:"serverName"`
	// Connection is the TLS state of the first successful call on the main
	// connection; nil when no call succeeded.
	Connection *TLSConnInfo `json:"connection"`
}

type CertEnvInfo struct {
	Bytes           int    `json:"bytes"`
	PEMBlocks       int    `json:"pemBlocks"`
	PEMType         string `json:"pemType"`
	Lines           int    `json:"lines"`
	EndsWithNewline bool   `json:"endsWithNewline"`
}

type TLSConnInfo struct {
	Version     string `json:"version"`
	CipherSuite string `json:"cipherSuite"`
	ALPN        string `json:"alpn"`
	// Verified: the client verified the chain (against the handshake cert).
	Verified   bool      `json:"verified"`
	ServerCert *CertInfo `json:"serverCert"`
}

// CertInfo is an x509 certificate as the host's crypto/x509 parsed it.
type CertInfo struct {
	SubjectCN             string   `json:"subjectCN"`
	Organization          []string `json:"organization"`
	IssuerCN              string   `json:"issuerCN"`
	SelfSigned            bool     `json:"selfSigned"`
	DNSNames              []string `json:"dnsNames"`
	IPAddresses           []string `json:"ipAddresses"`
	KeyAlgorithm          string   `json:"keyAlgorithm"`
	Curve                 string   `json:"curve,omitempty"`
	KeyBits               int      `json:"keyBits"`
	SignatureAlgorithm    string   `json:"signatureAlgorithm"`
	IsCA                  bool     `json:"isCA"`
	BasicConstraintsValid bool     `json:"basicConstraintsValid"`
	KeyUsage              []string `json:"keyUsage"`
	ExtKeyUsage           []string `json:"extKeyUsage"`
	SerialBits            int      `json:"serialBits"`
	NotBefore             string   `json:"notBefore"`
	NotAfter              string   `json:"notAfter"`
	// NotBeforeAgeS is how long before the host read the cert it became
	// valid; ValidityHours is NotAfter - NotBefore.
	NotBeforeAgeS float64 `json:"notBeforeAgeS"`
	ValidityHours float64 `json:"validityHours"`
}

func newMTLSReport(cmd *exec.Cmd, cfg *tls.Config) *MTLSReport {
	r := &MTLSReport{}
	if cfg != nil {
		r.ServerCertInHandshake = cfg.RootCAs != nil
		r.ServerName = cfg.ServerName
	}
	if cmd == nil {
		return r
	}
	// go-plugin appends to cmd.Env; the last entry wins for the child.
	var val string
	found := false
	for _, kv := range cmd.Env {
		if v, ok := strings.CutPrefix(kv, "PLUGIN_CLIENT_CERT="); ok {
			val, found = v, true
		}
	}
	if !found {
		return r
	}
	env := &CertEnvInfo{
		Bytes:           len(val),
		Lines:           strings.Count(val, "\n"),
		EndsWithNewline: strings.HasSuffix(val, "\n"),
	}
	rest := []byte(val)
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		env.PEMBlocks++
		if env.PEMBlocks == 1 {
			env.PEMType = b.Type
			if c, err := x509.ParseCertificate(b.Bytes); err == nil {
				r.ClientCert = certInfo(c, time.Now())
			}
		}
	}
	r.ClientCertEnv = env
	return r
}

func tlsConnInfo(ti *credentials.TLSInfo) *TLSConnInfo {
	st := ti.State
	out := &TLSConnInfo{
		Version:     tls.VersionName(st.Version),
		CipherSuite: tls.CipherSuiteName(st.CipherSuite),
		ALPN:        st.NegotiatedProtocol,
		Verified:    len(st.VerifiedChains) > 0,
	}
	if len(st.PeerCertificates) > 0 {
		out.ServerCert = certInfo(st.PeerCertificates[0], time.Now())
	}
	return out
}

func certInfo(c *x509.Certificate, now time.Time) *CertInfo {
	ci := &CertInfo{
		SubjectCN:             c.Subject.CommonName,
		Organization:          nonNil(c.Subject.Organization),
		IssuerCN:              c.Issuer.CommonName,
		SelfSigned:            c.CheckSignatureFrom(c) == nil,
		DNSNames:              nonNil(c.DNSNames),
		IPAddresses:           []string{},
		KeyAlgorithm:          c.PublicKeyAlgorithm.String(),
		SignatureAlgorithm:    c.SignatureAlgorithm.String(),
		IsCA:                  c.IsCA,
		BasicConstraintsValid: c.BasicConstraintsValid,
		KeyUsage:              keyUsages(c.KeyUsage),
		ExtKeyUsage:           extKeyUsages(c.ExtKeyUsage),
		SerialBits:            c.SerialNumber.BitLen(),
		NotBefore:             c.NotBefore.UTC().Format(time.RFC3339),
		NotAfter:              c.NotAfter.UTC().Format(time.RFC3339),
		NotBeforeAgeS:         float64(now.Sub(c.NotBefore).Milliseconds()) / 1000,
		ValidityHours:         c.NotAfter.Sub(c.NotBefore).Hours(),
	}
	for _, ip := range c.IPAddresses {
		ci.IPAddresses = append(ci.IPAddresses, ip.String())
	}
	switch k := c.PublicKey.(type) {
	case *ecdsa.PublicKey:
		ci.Curve = k.Curve.Params().Name
		ci.KeyBits = k.Curve.Params().BitSize
	case *rsa.PublicKey:
		ci.KeyBits = k.N.BitLen()
	case ed25519.PublicKey:
		ci.KeyBits = 256
	}
	return ci
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func keyUsages(u x509.KeyUsage) []string {
	names := []string{"DigitalSignature", "ContentCommitment", "KeyEncipherment", "DataEncipherment",
		"KeyAgreement", "CertSign", "CRLSign", "EncipherOnly", "DecipherOnly"}
	out := []string{}
	for i, n := range names {
		if u&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

func extKeyUsages(us []x509.ExtKeyUsage) []string {
	names := map[x509.ExtKeyUsage]string{
		x509.ExtKeyUsageAny: "Any", x509.ExtKeyUsageServerAuth: "ServerAuth",
		x509.ExtKeyUsageClientAuth: "ClientAuth", x509.ExtKeyUsageCodeSigning: "CodeSigning",
		x509.ExtKeyUsageEmailProtection: "EmailProtection", x509.ExtKeyUsageTimeStamping: "TimeStamping",
		x509.ExtKeyUsageOCSPSigning: "OCSPSigning",
	}
	out := []string{}
	for _, u := range us {
		if n, ok := names[u]; ok {
			out = append(out, n)
		} else {
			out = append(out, fmt.Sprintf("ExtKeyUsage(%d)", u))
		}
	}
	return out
}

// MTLSChecks is what kill -bad-client-cert found, connecting to the
// plugin's address on connections of its own (a gRPC health Check each).
type MTLSChecks struct {
	// ForeignCert: TLS with a different self-signed client certificate
	// (ECDSA P-256, CN localhost, ClientAuth); NoCert: TLS without one;
	// Plaintext: h2c. All three should be refused. HostCert is the control:
	// a clone of the host's own TLS config, which must be accepted.
	ForeignCert *ConnAttempt `json:"foreignCert"`
	NoCert      *ConnAttempt `json:"noCert"`
	Plaintext   *ConnAttempt `json:"plaintext"`
	HostCert    *ConnAttempt `json:"hostCert"`
	// HostBroker: how a plugin can (and cannot) dial a broker listener the
	// host serves under AutoMTLS (TerminalUI, LogViewer, ExecSession). The
	// listener is a grpc server with credentials.NewTLS(<the host's
	// AutoMTLS config>), the very config go-plugin v1.4.3's client-side
	// broker uses for AcceptAndServe.
	HostBroker *HostBrokerChecks `json:"hostBroker"`
}

type HostBrokerChecks struct {
	// GoPlugin143: the plugin's own server config used as a client config,
	// which is what a v1.4.3 Go plugin's broker Dial does (its cert,
	// RequireAndVerifyClientCert, ClientCAs = host cert, no RootCAs, no
	// ServerName).
	GoPlugin143 *ConnAttempt `json:"goPlugin143"`
	// TrustClientCert: RootCAs = the PLUGIN_CLIENT_CERT certificate and
	// ServerName "localhost" (what go-plugin >= 1.4.4 adds), presenting the
	// plugin's cert.
	TrustClientCert *ConnAttempt `json:"trustClientCert"`
	// TrustClientCertNoClientCert: the same without presenting any cert.
	TrustClientCertNoClientCert *ConnAttempt `json:"trustClientCertNoClientCert"`
}

type ConnAttempt struct {
	Refused bool   `json:"refused"`
	Error   string `json:"error"`
}

// runMTLSChecks needs the plugin's address and the host's AutoMTLS config
// (client cert + key, RootCAs = the plugin's cert, ServerName localhost).
func runMTLSChecks(network, address string, hostCfg *tls.Config) (*MTLSChecks, error) {
	if hostCfg == nil || len(hostCfg.Certificates) == 0 {
		return nil, fmt.Errorf("no AutoMTLS client config: the checks need -automtls")
	}
	foreign, err := selfSignedCert("localhost", x509.ExtKeyUsageClientAuth)
	if err != nil {
		return nil, err
	}
	dialer := func(ctx context.Context, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, address)
	}
	withCert := func(certs []tls.Certificate) credentials.TransportCredentials {
		return credentials.NewTLS(&tls.Config{
			Certificates: certs,
			RootCAs:      hostCfg.RootCAs,
			ServerName:   hostCfg.ServerName,
		})
	}
	out := &MTLSChecks{
		ForeignCert: healthCheck(dialer, withCert([]tls.Certificate{foreign})),
		NoCert:      healthCheck(dialer, withCert(nil)),
		Plaintext:   healthCheck(dialer, insecure.NewCredentials()),
		HostCert:    healthCheck(dialer, credentials.NewTLS(hostCfg.Clone())),
	}
	out.HostBroker, err = hostBrokerChecks(hostCfg)
	return out, err
}

// hostBrokerChecks serves a health service the way the host-side broker
// would under AutoMTLS and dials it with plugin-side configs.
func hostBrokerChecks(hostCfg *tls.Config) (*HostBrokerChecks, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := grpc.NewServer(grpc.Creds(credentials.NewTLS(hostCfg)))
	hs := health.NewServer()
	hs.SetServingStatus("plugin", healthpb.HealthCheckResponse_SERVING)
	healthpb.RegisterHealthServer(srv, hs)
	go srv.Serve(l)
	defer srv.Stop()

	// A stand-in plugin certificate, as go-plugin's server generates one.
	pluginCert, err := selfSignedCert("localhost", x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth)
	if err != nil {
		return nil, err
	}
	clientCA := x509.NewCertPool()
	for _, der := range hostCfg.Certificates[0].Certificate[:1] {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, err
		}
		clientCA.AddCert(c)
	}
	dialer := func(ctx context.Context, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "tcp", l.Addr().String())
	}
	return &HostBrokerChecks{
		GoPlugin143: healthCheck(dialer, credentials.NewTLS(&tls.Config{
			Certificates: []tls.Certificate{pluginCert},
			ClientAuth:   tls.RequireAndVerifyClientCert,
			ClientCAs:    clientCA,
			MinVersion:   tls.VersionTLS12,
		})),
		TrustClientCert: healthCheck(dialer, credentials.NewTLS(&tls.Config{
			Certificates: []tls.Certificate{pluginCert},
			RootCAs:      clientCA,
			ServerName:   "localhost",
			MinVersion:   tls.VersionTLS12,
		})),
		TrustClientCertNoClientCert: healthCheck(dialer, credentials.NewTLS(&tls.Config{
			RootCAs:    clientCA,
			ServerName: "localhost",
			MinVersion: tls.VersionTLS12,
		})),
	}, nil
}

// healthCheck opens a fresh gRPC connection and makes one health Check for
// service "plugin"; any failure counts as refused.
func healthCheck(dialer func(context.Context, string) (net.Conn, error), creds credentials.TransportCredentials) *ConnAttempt {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := grpc.DialContext(ctx, "unused", grpc.WithContextDialer(dialer), grpc.WithTransportCredentials(creds))
	if err == nil {
		defer conn.Close()
		_, err = healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{Service: "plugin"})
	}
	if err != nil {
		return &ConnAttempt{Refused: true, Error: err.Error()}
	}
	return &ConnAttempt{}
}

// selfSignedCert makes a throwaway ECDSA P-256 certificate.
func selfSignedCert(cn string, eku ...x509.ExtKeyUsage) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	sn, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          sn,
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"wphost"}},
		DNSNames:              []string{cn},
		NotBefore:             time.Now().Add(-time.Minute),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           eku,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}
