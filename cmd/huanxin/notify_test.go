package main

import (
	"flag"
	"io"
	"path/filepath"
	"testing"

	"github.com/huanxin/huanxin/notify"
)

// huanxin serve builds the senders from flags and the environment, with
// secrets from the environment only and the outbox for the rest.
func TestNotifyFlags(t *testing.T) {
	t.Setenv("HUANXIN_SMS_GATEWAY_TOKEN", "sms-token")
	t.Setenv("HUANXIN_SMTP_PASSWORD", "mail-pw")
	t.Setenv("HUANXIN_BASE_URL", "https://hx.gov.cn")
	e := &env{data: t.TempDir()}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	senders := notifyFlags(fs, e)
	if err := fs.Parse([]string{"--sms-gateway", "http://10.0.0.8/sms", "--smtp-addr", "10.0.0.9:25", "--smtp-from", "hx@gov.cn",
		"--smtp-user", "hx", "--smtp-starttls"}); err != nil {
		t.Fatal(err)
	}
	ss, err := senders()
	if err != nil {
		t.Fatal(err)
	}
	g, ok := ss[notify.ChannelSMS].(*notify.Gateway)
	if !ok || g.URL != "http://10.0.0.8/sms" || g.Token != "sms-token" || g.BaseURL != "https://hx.gov.cn" {
		t.Fatalf("sms sender %+v", ss[notify.ChannelSMS])
	}
	m, ok := ss[notify.ChannelEmail].(*notify.SMTP)
	if !ok || m.Addr != "10.0.0.9:25" || m.Password != "mail-pw" || !m.StartTLS || m.Username != "hx" {
		t.Fatalf("e-mail sender %+v", ss[notify.ChannelEmail])
	}
	if o, ok := ss[notify.ChannelWeChat].(*notify.Outbox); !ok || o.Dir != filepath.Join(e.data, "outbox") {
		t.Fatalf("wechat sender %+v", ss[notify.ChannelWeChat])
	}
}
