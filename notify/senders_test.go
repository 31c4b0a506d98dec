package notify_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huanxin/huanxin/notify"
)

// smtpServer is a tiny SMTP server on 127.0.0.1 that keeps what it is
// sent; rejectRcpt makes it refuse every recipient.
type smtpServer struct {
	ln         net.Listener
	tls        *tls.Config // offers STARTTLS when set
	rejectRcpt bool

	mu       sync.Mutex
	auth     []string
	from, to []string
	data     []string
	tlsUsed  []bool
}

func newSMTPServer(t *testing.T, tlsCfg *tls.Config) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln, tls: tlsCfg}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *smtpServer) serve(c net.Conn) {
	defer c.Close()
	r, w := bufio.NewReader(c), bufio.NewWriter(c)
	reply := func(line string) { w.WriteString(line + "\r\n"); w.Flush() }
	reply("220 fake.intranet ESMTP")
	secure := false
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
		s.mu.Lock()
		switch verb {
		case "EHLO":
			if s.tls != nil && !secure {
				reply("250-fake.intranet")
				reply("250-STARTTLS")
			} else {
				reply("250-fake.intranet")
			}
			reply("250 AUTH PLAIN")
		case "STARTTLS":
			reply("220 go ahead")
			tc := tls.Server(c, s.tls)
			if tc.Handshake() != nil {
				s.mu.Unlock()
				return
			}
			c, secure = tc, true
			r, w = bufio.NewReader(tc), bufio.NewWriter(tc)
		case "AUTH":
			s.auth = append(s.auth, line)
			reply("235 ok")
		case "MAIL":
			s.from = append(s.from, line)
			reply("250 ok")
		case "RCPT":
			if s.rejectRcpt {
				reply("550 mailbox unavailable")
			} else {
				s.to = append(s.to, line)
				reply("250 ok")
			}
		case "DATA":
			reply("354 go on")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil || l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			s.data, s.tlsUsed = append(s.data, b.String()), append(s.tlsUsed, secure)
			reply("250 queued")
		case "QUIT":
			reply("221 bye")
			s.mu.Unlock()
			return
		default:
			reply("250 ok")
		}
		s.mu.Unlock()
	}
}

// testTLS returns a server configuration and a client one that trusts it,
// from an httptest server's certificate for 127.0.0.1.
func testTLS(t *testing.T) (server, client *tls.Config) {
	ts := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(ts.Close)
	return &tls.Config{Certificates: ts.TLS.Certificates}, ts.Client().Transport.(*http.Transport).TLSClientConfig
}

var mail = notify.Delivery{ID: 7, CityID: 1, UserID: 3, Channel: notify.ChannelEmail, To: "wang@example.cn",
	Title: "公示：5号楼加装电梯", Body: "公示期 2026-03-02 至 2026-03-11", Link: "/notices/12", Attempts: 1}

// The e-mail sender talks SMTP to a server on the intranet: STARTTLS when
// asked, PLAIN authentication, the subject encoded, the body with the
// absolute link; a refusal is a provider's rejection, a server not
// listening is unreachable.
func TestSMTPSender(t *testing.T) {
	srvTLS, cliTLS := testTLS(t)
	srv := newSMTPServer(t, srvTLS)
	s := &notify.SMTP{Addr: srv.ln.Addr().String(), From: "huanxin@city.gov.cn", Username: "huanxin", Password: "pw",
		StartTLS: true, TLS: cliTLS, BaseURL: "https://huanxin.city.gov.cn/"}
	if err := s.Send(context.Background(), mail); err != nil {
		t.Fatal(err)
	}
	srv.mu.Lock()
	if len(srv.data) != 1 || !srv.tlsUsed[0] || len(srv.auth) != 1 || srv.to[0] != "RCPT TO:<wang@example.cn>" ||
		srv.from[0] != "MAIL FROM:<huanxin@city.gov.cn>" {
		t.Fatalf("server saw auth %v from %v to %v tls %v", srv.auth, srv.from, srv.to, srv.tlsUsed)
	}
	cred, _ := base64.StdEncoding.DecodeString(strings.Fields(srv.auth[0])[2])
	if string(cred) != "\x00huanxin\x00pw" {
		t.Fatalf("auth %q", cred)
	}
	head, body, _ := strings.Cut(srv.data[0], "\r\n\r\n")
	srv.mu.Unlock()
	var subject string
	for _, l := range strings.Split(head, "\r\n") {
		if v, ok := strings.CutPrefix(l, "Subject: "); ok {
			subject, _ = new(mime.WordDecoder).DecodeHeader(v)
		}
	}
	text, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(body, "\r\n", ""))
	if err != nil || subject != mail.Title || string(text) != mail.Body+"\n\nhttps://huanxin.city.gov.cn/notices/12" {
		t.Fatalf("subject %q text %q %v", subject, text, err)
	}

	srv.mu.Lock()
	srv.rejectRcpt = true
	srv.mu.Unlock()
	var rej *notify.Rejected
	if err := s.Send(context.Background(), mail); !errors.As(err, &rej) || !strings.Contains(rej.Message, "550") {
		t.Fatalf("refused recipient: %v", err)
	}
	srv.ln.Close()
	if err := s.Send(context.Background(), mail); err == nil || errors.As(err, &rej) {
		t.Fatalf("closed server: %v", err)
	}
}

// The SMS and WeChat senders post the JSON contract to the gateway with
// the token; a non-2xx answer fails with the gateway's message, a slow
// gateway times out.
func TestGatewaySender(t *testing.T) {
	var got notify.GatewayRequest
	var auth, key string
	answer := http.StatusOK
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("slow") != "" {
			time.Sleep(200 * time.Millisecond)
		}
		auth, key = r.Header.Get("Authorization"), r.Header.Get("Idempotency-Key")
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &got); err != nil {
			t.Error(err)
		}
		w.WriteHeader(answer)
		if answer != http.StatusOK {
			w.Write([]byte(`{"code":"isv.MOBILE_NUMBER_ILLEGAL","message":"号码格式错误"}`))
		}
	}))
	defer ts.Close()
	g := &notify.Gateway{Channel: notify.ChannelSMS, URL: ts.URL, Token: "s3cret", BaseURL: "https://hx.gov.cn"}
	d := mail
	d.Channel, d.To, d.Attempts = notify.ChannelSMS, "13812345678", 2
	if err := g.Send(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	want := notify.GatewayRequest{ID: 7, Attempt: 2, Channel: notify.ChannelSMS, To: "13812345678", CityID: 1, UserID: 3,
		Title: mail.Title, Body: mail.Body, URL: "https://hx.gov.cn/notices/12"}
	if got != want || auth != "Bearer s3cret" || key != "7-2" {
		t.Fatalf("gateway got %+v auth %q key %q", got, auth, key)
	}
	answer = http.StatusBadRequest
	var rej *notify.Rejected
	if err := g.Send(context.Background(), d); !errors.As(err, &rej) || rej.Message != "sms 400: 号码格式错误" {
		t.Fatalf("rejected: %v", err)
	}
	slow := &notify.Gateway{Channel: notify.ChannelWeChat, URL: ts.URL + "?slow=1", Timeout: 50 * time.Millisecond}
	if err := slow.Send(context.Background(), d); err == nil || errors.As(err, &rej) {
		t.Fatalf("slow gateway: %v", err)
	}
}

// Channels not configured stay in the outbox; bad configurations are
// refused at start.
func TestConfigSenders(t *testing.T) {
	ss, err := notify.Config{SMSURL: "http://10.1.2.3/sms", OutboxDir: t.TempDir()}.Senders()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := ss[notify.ChannelSMS].(*notify.Gateway); !ok {
		t.Errorf("sms sender %T", ss[notify.ChannelSMS])
	}
	for _, c := range []notify.Channel{notify.ChannelWeChat, notify.ChannelEmail} {
		if _, ok := ss[c].(*notify.Outbox); !ok {
			t.Errorf("%s sender %T", c, ss[c])
		}
	}
	for _, bad := range []notify.Config{{SMTP: notify.SMTP{Addr: "mail:25"}}, {WeChatURL: "10.1.2.3/wx"}} {
		if _, err := bad.Senders(); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}
