package main

import (
	"flag"
	"os"
	"path/filepath"
	"time"

	"github.com/huanxin/huanxin/notify"
)

// notifyFlags declares how `huanxin serve` reaches residents besides the
// inbox (see docs/operations.md); each flag defaults to its environment
// variable, and secrets come from the environment only, so that they do
// not show in the process list. The returned function builds the senders
// once the flags are parsed: channels not configured go to DATA/outbox.
func notifyFlags(fs *flag.FlagSet, e *env) func() (map[notify.Channel]notify.Sender, error) {
	var c notify.Config
	getenv := func(name string) string { return os.Getenv("HUANXIN_" + name) }
	fs.StringVar(&c.SMTP.Addr, "smtp-addr", getenv("SMTP_ADDR"), "SMTP server (host:port) for e-mail reminders; empty: e-mail goes to the outbox")
	fs.StringVar(&c.SMTP.From, "smtp-from", getenv("SMTP_FROM"), "sender address of e-mail reminders")
	fs.StringVar(&c.SMTP.Username, "smtp-user", getenv("SMTP_USER"), "SMTP user for PLAIN authentication (password in HUANXIN_SMTP_PASSWORD)")
	fs.BoolVar(&c.SMTP.StartTLS, "smtp-starttls", getenv("SMTP_STARTTLS") == "1", "upgrade SMTP connections with STARTTLS")
	fs.StringVar(&c.SMSURL, "sms-gateway", getenv("SMS_GATEWAY"), "URL of the intranet SMS gateway (token in HUANXIN_SMS_GATEWAY_TOKEN); empty: SMS goes to the outbox")
	fs.StringVar(&c.WeChatURL, "wechat-gateway", getenv("WECHAT_GATEWAY"), "URL of the intranet WeChat subscription-message gateway (token in HUANXIN_WECHAT_GATEWAY_TOKEN)")
	fs.DurationVar(&c.Timeout, "gateway-timeout", 10*time.Second, "timeout of each request to a gateway")
	fs.StringVar(&c.BaseURL, "base-url", getenv("BASE_URL"), "public address of the site (https://…), to make links in reminders absolute")
	return func() (map[notify.Channel]notify.Sender, error) {
		c.SMTP.Password, c.SMSToken, c.WeChatToken = getenv("SMTP_PASSWORD"), getenv("SMS_GATEWAY_TOKEN"), getenv("WECHAT_GATEWAY_TOKEN")
		c.OutboxDir = filepath.Join(e.data, "outbox")
		return c.Senders()
	}
}
