package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"reflect"
	"sync"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/file"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/store"
)

func TestFileStore(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		ctx := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
		w := mustWorld(t, db)
		data := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte{0, 1, 2, 0xff}, 4096)...)
		sum := sha256.Sum256(data)
		upload := func(estateID, by int64, name string) *file.File {
			return &file.File{CityID: w.city.ID, EstateID: estateID, SHA256: hex.EncodeToString(sum[:]), Name: name,
				ContentType: file.TypePDF, Size: int64(len(data)), CreatedBy: by}
		}
		f := upload(w.estA.ID, 7, "立面图.pdf")
		if created, err := db.CreateFile(ctx, f, data); err != nil || !created || f.ID == 0 || f.Created.IsZero() {
			t.Fatalf("create: %v %v %+v", created, err, f)
		}

		// Metadata round trip, within the scope only.
		byID := func(s huanxin.Scope, id int64) []*file.File {
			t.Helper()
			got, err := db.FindFiles(ctx, file.Filter{Scope: s, ID: &id})
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		if got := byID(huanxin.Scope{Paths: []string{w.distA.Path}}, f.ID); len(got) != 1 || !reflect.DeepEqual(got[0], f) {
			t.Fatalf("round trip:\n%+v\n%+v", got, f)
		}
		if got := byID(huanxin.Scope{PartIDs: []int64{w.part.ID}}, f.ID); len(got) != 1 {
			t.Fatalf("resident's estate: %+v", got)
		}
		if got := byID(huanxin.Scope{Paths: []string{w.distB.Path}}, f.ID); len(got) != 0 {
			t.Fatalf("out of scope: %+v", got)
		}
		other := int64(8)
		if got, err := db.FindFiles(ctx, file.Filter{Scope: huanxin.Scope{All: true}, CreatedBy: &other}); err != nil || len(got) != 0 {
			t.Fatalf("by another uploader: %+v %v", got, err)
		}
		if got, err := db.FileData(ctx, w.city.ID, f.SHA256); err != nil || !bytes.Equal(got, data) {
			t.Fatalf("data: %d bytes, %v", len(got), err)
		}
		if _, err := db.FileData(ctx, w.city.ID+1, f.SHA256); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Fatalf("data of another city: %v", err)
		}

		// The same upload again is the stored row, first name kept.
		again := upload(w.estA.ID, 7, "another name.pdf")
		if created, err := db.CreateFile(ctx, again, data); err != nil || created || !reflect.DeepEqual(again, f) {
			t.Fatalf("again: %v %v\n%+v\n%+v", created, err, again, f)
		}
		// Another uploader, or another estate: a new row, the same bytes.
		for _, g := range []*file.File{upload(w.estA.ID, 8, "a.pdf"), upload(w.estB.ID, 7, "b.pdf")} {
			if created, err := db.CreateFile(ctx, g, data); err != nil || !created || g.ID == f.ID {
				t.Fatalf("new row: %v %v %+v", created, err, g)
			}
		}
		var blobs int
		if err := db.QueryRowForTest(ctx, "SELECT COUNT(*) FROM file_blobs").Scan(&blobs); err != nil || blobs != 1 {
			t.Fatalf("blobs = %d, %v; want the bytes once", blobs, err)
		}

		// Identical uploads at once: one row, no errors.
		var wg sync.WaitGroup
		ids := make([]int64, 8)
		errs := make([]error, 8)
		for i := range ids {
			wg.Go(func() {
				g := upload(w.estB.ID, 9, "same.pdf")
				_, errs[i] = db.CreateFile(ctx, g, data)
				ids[i] = g.ID
			})
		}
		wg.Wait()
		for i := range ids {
			if errs[i] != nil || ids[i] == 0 || ids[i] != ids[0] {
				t.Fatalf("concurrent uploads: ids %v, errors %v", ids, errs)
			}
		}

		// Each new row is audited; the chain holds.
		entries, n, err := db.FindAudit(ctx, audit.Filter{Entity: "file"}, nil)
		if err != nil || n != 4 {
			t.Fatalf("audit entries = %d, %v", n, err)
		}
		if entries[len(entries)-1].EntityID != f.ID || entries[len(entries)-1].Detail != f.SHA256 {
			t.Errorf("first entry %+v", entries[len(entries)-1])
		}
		if brk, _, err := db.VerifyAudit(ctx); err != nil || brk != nil {
			t.Fatalf("verify: %+v %v", brk, err)
		}
	})
}
