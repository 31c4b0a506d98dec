package api_test

import (
	"bytes"
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/api"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/file"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/notice"
	"github.com/huanxin/huanxin/store"
)

// A notice's attachments are described by name, type and size; an
// officer assisting an owner objects in the owner's name, and the
// objection and the ledger name both.
func TestNoticeAttachmentFilesAndAssistedObjectionHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		var tick atomic.Int64
		start := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC) // Monday 09:00 in Shanghai
		db.Now = func() time.Time { return start.Add(time.Duration(tick.Add(1)) * time.Second) }
		e := &env{db: db, mux: http.NewServeMux(), doc: loadDoc(t), w: mustWorld(t, db)}
		w := e.w
		reg := &estate.Service{Store: db}
		files := &file.Service{Store: db, Register: reg}
		api.NewWithExtras(reg, api.Extras{Files: files, Notices: &notice.Service{Store: db, Register: reg, Files: files, Now: db.Now}}).Register(e.mux)
		officer := e.actor(huanxin.RoleCommunity, w.commA)
		resident := &huanxin.Actor{UserID: 200, Name: "业主", Role: huanxin.RoleResident, OwnerID: w.ownA.ID,
			Scope: huanxin.Scope{PartIDs: []int64{w.partA.ID}}}
		pdf := []byte("%PDF-1.4\n% 改造方案\n%%EOF\n")
		f, err := files.Put(huanxin.NewContextWithActor(context.Background(), officer), w.estA.ID, "改造方案（征求意见稿）.pdf", bytes.NewReader(pdf))
		if err != nil {
			t.Fatal(err)
		}
		r := e.do(t, officer, "POST", "/api/v1/notices", `{"scope_kind":"estate","estate_id":`+id(w.estA.ID)+`,"type":"plan","title":"改造方案公示",
			"body":"见附件","attachments":[`+id(f.ID)+`],"publicity_start":"2026-03-02","publicity_end":"2026-03-06"}`)
		if r.status != 201 {
			t.Fatalf("create: %d %s", r.status, r.raw)
		}
		nid := id(num(r.body["id"]))
		if r = e.do(t, officer, "POST", "/api/v1/notices/"+nid+"/publish", ""); r.status != 200 {
			t.Fatalf("publish: %d %s", r.status, r.raw)
		}
		for _, who := range []*huanxin.Actor{resident, officer} {
			r = e.do(t, who, "GET", "/api/v1/notices/"+nid, "")
			files, _ := r.body["attachment_files"].([]any)
			if r.status != 200 || len(files) != 1 {
				t.Fatalf("%s reads: %d %s", who.Role, r.status, r.raw)
			}
			a := files[0].(map[string]any)
			if num(a["file_id"]) != f.ID || a["name"] != "改造方案（征求意见稿）.pdf" || a["content_type"] != "application/pdf" || num(a["size"]) != int64(len(pdf)) {
				t.Fatalf("%s sees the attachment as %v", who.Role, a)
			}
		}
		if r = e.do(t, resident, "GET", "/api/v1/notices", ""); len(r.items(t)) != 1 || len(r.items(t)[0]["attachment_files"].([]any)) != 1 {
			t.Fatalf("list: %s", r.raw)
		}

		// Assisted mode: the officer objects for owner A (in the notice's
		// scope), not for owner B (outside it).
		assisting := *officer
		assisting.OnBehalfOf = w.ownA.ID
		r = e.do(t, &assisting, "POST", "/api/v1/notices/"+nid+"/objections", `{"body":"业主电话反映：施工时间太早"}`)
		if r.status != 201 || num(r.body["on_behalf_of"]) != w.ownA.ID || num(r.body["raised_by"]) != officer.UserID || r.body["name"] != w.ownA.Name {
			t.Fatalf("assisted objection: %d %s", r.status, r.raw)
		}
		oid := num(r.body["id"])
		es, _, err := db.FindAudit(context.Background(), audit.Filter{Entity: "notice_objection", EntityID: &oid}, nil)
		if err != nil || len(es) != 1 || es[0].ActorID != officer.UserID || es[0].OnBehalf != w.ownA.ID {
			t.Fatalf("audit: %+v %v", es, err)
		}
		assisting.OnBehalfOf = w.ownB.ID
		if r = e.do(t, &assisting, "POST", "/api/v1/notices/"+nid+"/objections", `{"body":"x"}`); r.status < 400 {
			t.Fatalf("objection for an owner outside the notice: %d %s", r.status, r.raw)
		}
		if r = e.do(t, resident, "GET", "/api/v1/notices/"+nid+"/objections", ""); len(r.items(t)) != 1 || r.items(t)[0]["name"] != w.ownA.Name {
			t.Fatalf("objections: %s", r.raw)
		}
	})
}
