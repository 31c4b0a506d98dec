package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/request"
	"github.com/huanxin/huanxin/store"
)

// An officer assisting an owner rates, on the request's page, the answer
// to a complaint the owner filed on her phone; the history names both.
func TestRequestRatedForTheOwner(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := newNoticeWorld(t, db)
		w.p.Requests = &request.Service{Store: db, Register: w.p.Reg, Files: w.p.Files}
		x := &request.Request{EstateID: w.estate.ID, Kind: request.KindComplaint, Category: "roads", Title: "路灯不亮", Body: "5幢门口"}
		if err := w.p.Requests.Submit(huanxin.NewContextWithActor(sysCtx(), w.resident), x); err != nil {
			t.Fatal(err)
		}
		if _, err := w.p.Requests.Answer(huanxin.NewContextWithActor(sysCtx(), w.officer), x.ID, "已更换灯泡"); err != nil {
			t.Fatal(err)
		}
		path := "/requests/" + strconv.FormatInt(x.ID, 10)
		rec, body := w.do(t, w.officer, "GET", path, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantAbsent(t, body, `action="`+path+`/close"`)
		assisting := *w.officer
		assisting.OnBehalfOf = w.resident.OwnerID
		rec, body = w.do(t, &assisting, "GET", path, nil)
		wantStatus(t, rec, body, http.StatusOK)
		wantContains(t, body, `action="`+path+`/close"`, `action="`+path+`/reopen"`)
		rec, _ = w.do(t, &assisting, "POST", path+"/close", url.Values{"rating": {"5"}, "comment": {"业主电话告知：满意"}})
		wantRedirect(t, rec.Code, rec.Header().Get("Location"), path+"?flash=request_close")
		events, err := w.p.Requests.History(huanxin.NewContextWithActor(sysCtx(), w.officer), x.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := events[len(events)-1]
		if last.Action != request.ActionClosed || last.ActorID != w.officer.UserID || !strings.Contains(last.ActorName, "陈阿姨") {
			t.Fatalf("history: %+v", last)
		}
	})
}
