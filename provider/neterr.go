package provider

// NetKind names what went wrong on the way to a server.
type NetKind string

// The kinds of network fault that NetError reports.
const (
	NetRefused  NetKind = "refused"  // nothing listens at the address
	NetConnect  NetKind = "connect"  // the connection failed another way (unreachable, timed out)
	NetAddress  NetKind = "address"  // the address itself is invalid (a port over 65535, say)
	NetDNS      NetKind = "dns"      // the host name does not resolve
	NetTLS      NetKind = "tls"      // the server's certificate is not trusted
	NetReset    NetKind = "reset"    // the server reset the connection
	NetClosed   NetKind = "closed"   // the server closed the connection before answering
	NetRedirect NetKind = "redirect" // a redirect that would carry the key to another origin
)

// NetError is a network fault, classified where the raw error is seen (in
// the shared HTTP client's transport, package httpx) and put into words
// for the user.
// Callers render it; they do not look into Err to classify it again.
type NetError struct {
	Kind   NetKind
	Host   string // host:port the fault concerns
	Words  string // what happened, in plain words: "cannot connect to host:1: connection refused"
	Advice string // what the user can do about it; may be empty
	Err    error  // the raw error
	// Transient is set when sending again may succeed: a refused, reset
	// or closed connection, a connection that timed out, a temporary
	// failure of the name server.
	Transient bool
}

func (e *NetError) Error() string {
	if e.Advice == "" {
		return e.Words
	}
	return e.Words + " (" + e.Advice + ")"
}

// Unwrap returns the raw error.
func (e *NetError) Unwrap() error { return e.Err }

// Temporary reports whether sending the request again may succeed, as
// the classifier, which saw the raw error, judged it (Transient).
func (e *NetError) Temporary() bool { return e.Transient }
