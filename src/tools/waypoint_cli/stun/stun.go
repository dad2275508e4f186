// Package stun stands in for gortc.io/stun v1.22.2, which the Go module proxy
// refuses here (403). Waypoint links it only for horizon's netloc STUN lookup
// of the machine's public address (the URL service), which our end-to-end
// tests switch off with -url-enabled=false. Every call fails, so netloc falls
// back to the addresses it finds locally.
package stun

import (
	"errors"
	"net"
)

// ErrUnavailable is what every operation of this stand-in returns.
var ErrUnavailable = errors.New("stun: not available in this build of waypoint (stand-in module)")

// Message is a STUN message; the stand-in never builds a real one.
type Message struct{}

// Setter changes a message while it is built.
type Setter interface{ AddTo(m *Message) error }

type setterFunc func(m *Message) error

func (f setterFunc) AddTo(m *Message) error { return f(m) }

// TransactionID and BindingRequest are the setters netloc passes to MustBuild.
var (
	TransactionID  Setter = setterFunc(func(*Message) error { return nil })
	BindingRequest Setter = setterFunc(func(*Message) error { return nil })
)

// MustBuild returns an empty message.
func MustBuild(setters ...Setter) *Message { return &Message{} }

// Event is a transaction's outcome.
type Event struct {
	Message *Message
	Error   error
}

// Client would talk to a STUN server.
type Client struct{}

// Dial always fails.
func Dial(network, address string) (*Client, error) { return nil, ErrUnavailable }

// Do always fails.
func (c *Client) Do(m *Message, f func(Event)) error { return ErrUnavailable }

// Close does nothing.
func (c *Client) Close() error { return nil }

// XORMappedAddress is the address a STUN server saw.
type XORMappedAddress struct {
	IP   net.IP
	Port int
}

// GetFrom always fails.
func (a *XORMappedAddress) GetFrom(m *Message) error { return ErrUnavailable }
