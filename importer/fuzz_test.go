package importer_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/store"
)

// FuzzImportCSV feeds arbitrary bytes to an import of the dwellings kind on
// SQLite: it must return a result or an application error, never panic,
// and write nothing unless it returns a result.
func FuzzImportCSV(f *testing.F) {
	fx := newFixture(f, testdb.Open(f, store.SQLite))
	f.Add(fx.file("dwellings", "csv", dwellingRows()...))
	f.Add(fx.file("dwellings", "csv", rec{"estate_code": "E1", "building_no": "1", "unit_no": "1", "room": "1", "floor": "x",
		"area": "-1", "id_number": badCheck(idA), "share": "0/0", "phone": "1*"}))
	f.Add([]byte("小区编码,楼栋号,单元号,房号,楼层,建筑面积(㎡)\nE1,1,1,\"1\n01\",1,60\nE1,1,1,101,1,60,extra\n"))
	f.Add([]byte("\xef\xbb\xbf小区编码,楼栋号,单元号,房号,楼层,建筑面积(㎡),份额,产权人证件号码\r\nE1,\x00,1,1,1,1,1/1," + idB + "\r\n"))
	f.Add([]byte("PK\x03\x04garbage"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		fx := *fx
		fx.t = t
		before := fx.counts()
		res, err := fx.svc.Import(fx.admin, "dwellings", bytes.NewReader(data), "fuzz.csv", nil)
		var he *huanxin.Error
		switch {
		case err == nil && res == nil:
			t.Fatal("no result and no error")
		case err != nil && !errors.As(err, &he):
			t.Fatalf("not an application error: %v", err)
		case err != nil && res != nil:
			t.Fatal("a result and an error")
		}
		if after := fx.counts(); err != nil && !equalCounts(before, after) {
			t.Fatalf("failed import wrote: %v → %v", before, after)
		}
	})
}

func equalCounts(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}
