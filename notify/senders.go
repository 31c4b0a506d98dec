package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// SMTP sends e-mail through a mail server of the intranet: plain SMTP,
// upgraded with STARTTLS when asked, with PLAIN authentication when a
// username is set (net/smtp allows it only over TLS or to localhost).
type SMTP struct {
	Addr     string // host:port
	From     string // the sender's address
	Username string
	Password string
	StartTLS bool
	// TLS, when set, is used for STARTTLS instead of checking the server
	// against the system's roots (an intranet CA, a test server).
	TLS     *tls.Config
	Timeout time.Duration // of the whole conversation; 0 means 30 s
	// BaseURL (https://huanxin.example.gov.cn) makes links absolute.
	BaseURL string
}

// Name returns the channel.
func (*SMTP) Name() string { return string(ChannelEmail) }

// Send sends the delivery as a plain-text UTF-8 message. A reply of the
// server refusing it is a *Rejected.
func (s *SMTP) Send(ctx context.Context, d Delivery) error {
	err := s.send(ctx, d)
	var tp *textproto.Error
	if errors.As(err, &tp) {
		return &Rejected{Message: fmt.Sprintf("SMTP %d %s", tp.Code, truncate(tp.Msg))}
	}
	return err
}

func (s *SMTP) send(ctx context.Context, d Delivery) error {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return err
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return err
	}
	defer c.Close()
	if s.StartTLS {
		cfg := &tls.Config{}
		if s.TLS != nil {
			cfg = s.TLS.Clone()
		}
		if cfg.ServerName == "" {
			cfg.ServerName = host
		}
		if err := c.StartTLS(cfg); err != nil {
			return err
		}
	}
	if s.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, host)); err != nil {
			return err
		}
	}
	if err := c.Mail(s.From); err != nil {
		return err
	}
	if err := c.Rcpt(d.To); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(s.message(d)); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// message returns the delivery as an RFC 5322 message: the subject
// encoded (RFC 2047), the body and the link in base64 lines.
func (s *SMTP) message(d Delivery) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <delivery-%d-%d@huanxin>\r\n",
		s.From, d.To, mime.BEncoding.Encode("UTF-8", d.Title), time.Now().UTC().Format(time.RFC1123Z), d.ID, d.Attempts)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	text := d.Body
	if u := link(s.BaseURL, d.Link); u != "" {
		text += "\n\n" + u
	}
	enc := base64.StdEncoding.EncodeToString([]byte(text))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes()
}

// link returns the delivery's link made absolute with base ("" without a
// link).
func link(base, path string) string {
	if path == "" {
		return ""
	}
	return strings.TrimSuffix(base, "/") + path
}

// truncate keeps at most 200 characters of a provider's message.
func truncate(s string) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= 200 {
		return s
	}
	return string([]rune(s)[:200]) + "…"
}

// Gateway sends SMS or WeChat subscription messages through an HTTP
// gateway on the government intranet, which holds the provider's
// credentials and templates (an air-gapped network reaches Chinese SMS
// providers and WeChat only through such a proxy). Each attempt is one
// POST of a JSON GatewayRequest with "Authorization: Bearer <Token>" and
// "Idempotency-Key: <delivery id>-<attempt>"; any 2xx answer is success,
// any other is a *Rejected carrying the answer's "message" (or its text).
type Gateway struct {
	Channel Channel
	URL     string
	Token   string
	Timeout time.Duration // per attempt; 0 means 10 s
	BaseURL string        // makes links absolute
	Client  *http.Client  // nil means a client of its own
}

// GatewayRequest is the JSON body a Gateway posts.
type GatewayRequest struct {
	ID      int64   `json:"id"`      // the delivery; the same on retries
	Attempt int     `json:"attempt"` // 1, 2, …
	Channel Channel `json:"channel"` // "sms" or "wechat"
	To      string  `json:"to"`      // mobile number or openid
	CityID  int64   `json:"city_id"`
	UserID  int64   `json:"user_id"`
	Title   string  `json:"title"`
	Body    string  `json:"body"`
	URL     string  `json:"url,omitempty"` // the absolute link to open
}

// Name returns the channel.
func (g *Gateway) Name() string { return string(g.Channel) }

// Send posts the delivery to the gateway.
func (g *Gateway) Send(ctx context.Context, d Delivery) error {
	body, err := json.Marshal(GatewayRequest{ID: d.ID, Attempt: d.Attempts, Channel: g.Channel, To: d.To, CityID: d.CityID,
		UserID: d.UserID, Title: d.Title, Body: d.Body, URL: link(g.BaseURL, d.Link)})
	if err != nil {
		return err
	}
	timeout := g.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", strconv.FormatInt(d.ID, 10)+"-"+strconv.Itoa(d.Attempts))
	if g.Token != "" {
		req.Header.Set("Authorization", "Bearer "+g.Token)
	}
	client := g.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	text, err := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode/100 == 2 {
		return nil
	}
	if err != nil {
		return err
	}
	var answer struct {
		Message string `json:"message"`
	}
	msg := strings.TrimSpace(string(text))
	if json.Unmarshal(text, &answer) == nil && answer.Message != "" {
		msg = answer.Message
	}
	return &Rejected{Message: fmt.Sprintf("%s %d: %s", g.Channel, resp.StatusCode, truncate(msg))}
}

// Config is how `huanxin serve` reaches each channel: an SMTP server for
// e-mail, a gateway URL for SMS and for WeChat. A channel not configured
// goes to the outbox directory.
type Config struct {
	SMTP        SMTP // used when SMTP.Addr is set
	SMSURL      string
	SMSToken    string
	WeChatURL   string
	WeChatToken string
	Timeout     time.Duration // of each gateway request
	BaseURL     string
	OutboxDir   string
}

// Senders returns the sender of each channel.
func (c Config) Senders() (map[Channel]Sender, error) {
	out := Outboxes(c.OutboxDir)
	if c.SMTP.Addr != "" {
		if c.SMTP.From == "" {
			return nil, errors.New("notify: an SMTP server needs a From address")
		}
		s := c.SMTP
		s.BaseURL = c.BaseURL
		out[ChannelEmail] = &s
	}
	for _, g := range []struct {
		ch         Channel
		url, token string
	}{{ChannelSMS, c.SMSURL, c.SMSToken}, {ChannelWeChat, c.WeChatURL, c.WeChatToken}} {
		if g.url == "" {
			continue
		}
		if !strings.HasPrefix(g.url, "http://") && !strings.HasPrefix(g.url, "https://") {
			return nil, fmt.Errorf("notify: the %s gateway must be an http(s) URL, not %q", g.ch, g.url)
		}
		out[g.ch] = &Gateway{Channel: g.ch, URL: g.url, Token: g.token, Timeout: c.Timeout, BaseURL: c.BaseURL}
	}
	return out, nil
}
