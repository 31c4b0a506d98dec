package request_test

import (
	"bytes"
	"context"
	"log/slog"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/notify"
	"github.com/huanxin/huanxin/request"
	"github.com/huanxin/huanxin/store"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// The answer to a request reaches the inbox of the user who submitted it.
func TestMessengerTellsTheSubmitter(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		sys := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
		u := &account.User{Username: "resident", Name: "业主", Role: huanxin.RoleResident}
		if err := db.CreateUser(sys, u, account.HashPassword("a-long-password")); err != nil {
			t.Fatal(err)
		}
		var logged bytes.Buffer
		nt := &notify.Service{Store: db}
		m := request.Messenger{Notify: nt, Log: slog.New(slog.NewTextHandler(&logged, nil))}
		m.Answered(context.Background(), &request.Request{ID: 7, CityID: 1, SubmittedBy: u.ID, Title: "路灯不亮", Answer: "已修复"})
		if logged.Len() > 0 {
			t.Fatalf("logged: %s", logged.String())
		}
		me := huanxin.NewContextWithActor(context.Background(), &huanxin.Actor{UserID: u.ID, Role: huanxin.RoleResident})
		msgs, n, err := nt.Inbox(me, 0, 10)
		if err != nil || n != 1 || msgs[0].Link != "/requests/7" || msgs[0].Body != "已修复" || msgs[0].Kind != notify.KindComplaint {
			t.Fatalf("inbox %+v %d %v", msgs, n, err)
		}
	})
}
