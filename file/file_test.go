package file_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/file"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/store"
)

func TestMain(m *testing.M) { testdb.Main(m) }

var (
	pdf  = []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
	png  = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01")
	jpeg = []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01")
	webp = []byte("RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00")
	gif  = []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;")
)

func TestSniff(t *testing.T) {
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"pdf", pdf, file.TypePDF},
		{"pdf after a few bytes of junk", append([]byte("\xef\xbb\xbf\r\n"), pdf...), file.TypePDF},
		{"png", png, file.TypePNG},
		{"jpeg", jpeg, file.TypeJPEG},
		{"webp", webp, file.TypeWebP},
		{"gif", gif, file.TypeGIF},
		{"html", []byte("<!DOCTYPE html><script>alert(1)</script>"), ""},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), ""},
		{"text", []byte("just text"), ""},
		{"zip", []byte("PK\x03\x04\x14\x00\x00\x00"), ""},
		{"pdf header too late", append(bytes.Repeat([]byte(" "), 1100), pdf...), ""},
	} {
		if got := file.Sniff(c.data); got != c.want {
			t.Errorf("%s: Sniff = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestCleanName(t *testing.T) {
	long := strings.Repeat("图", 300)
	for _, c := range []struct{ in, ct, want string }{
		{"立面图.pdf", file.TypePDF, "立面图.pdf"},
		{"C:\\Users\\张三\\Desktop\\scan.PDF", file.TypePDF, "scan.PDF"},
		{"../../etc/passwd", file.TypePDF, "passwd.pdf"},
		{"photo.jpeg", file.TypeJPEG, "photo.jpeg"},
		{"photo.png", file.TypeJPEG, "photo.png.jpg"},
		{"x.html", file.TypePNG, "x.html.png"},
		{"evil\u202egpj.exe", file.TypeJPEG, "evilgpj.exe.jpg"},
		{"a\x00b\r\nc.gif", file.TypeGIF, "abc.gif"},
		{"", file.TypeWebP, "file.webp"},
		{"..", file.TypePDF, "file.pdf"},
		{" .pdf", file.TypePDF, "file.pdf"},
		{long + ".pdf", file.TypePDF, strings.Repeat("图", 251) + ".pdf"},
		{long, file.TypePNG, strings.Repeat("图", 251) + ".png"},
	} {
		got := file.CleanName(c.in, c.ct)
		if got != c.want {
			t.Errorf("CleanName(%q) = %q, want %q", c.in, got, c.want)
		}
		if n := len([]rune(got)); n > file.MaxName {
			t.Errorf("CleanName(%q): %d characters", c.in, n)
		}
	}
}

// world is a city with two districts, an estate in each, and a dwelling
// in the first.
type world struct {
	distA, distB *estate.Jurisdiction
	estA, estB   *estate.Estate
	part         *estate.Part
}

func mustWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	sys := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	mk := func(parent *estate.Jurisdiction, level huanxin.Level, code string) *estate.Jurisdiction {
		j := &estate.Jurisdiction{Level: level, Code: code, Name: "辖区" + code}
		if parent != nil {
			j.ParentID, j.CityID, j.Path = parent.ID, parent.CityID, parent.Path
		}
		must(db.CreateJurisdiction(sys, j))
		return j
	}
	w := &world{}
	city := mk(mk(nil, huanxin.LevelProvince, "330000"), huanxin.LevelCity, "330100")
	w.distA, w.distB = mk(city, huanxin.LevelDistrict, "330102"), mk(city, huanxin.LevelDistrict, "330105")
	est := func(d *estate.Jurisdiction, code string) *estate.Estate {
		c := mk(mk(d, huanxin.LevelStreet, d.Code+"001"), huanxin.LevelCommunity, d.Code+"001001")
		e := &estate.Estate{CityID: city.ID, JurisdictionID: c.ID, Code: code, Name: "小区" + code, YearBuilt: 1985,
			Management: estate.MgmtNone, Status: estate.StatusCandidate}
		must(db.CreateEstate(sys, e))
		return e
	}
	w.estA, w.estB = est(w.distA, "E1"), est(w.distB, "E2")
	b := &estate.Building{CityID: city.ID, EstateID: w.estA.ID, No: "1", Floors: 6}
	must(db.CreateBuilding(sys, b))
	s := &estate.Stairwell{CityID: city.ID, EstateID: w.estA.ID, BuildingID: b.ID, No: "1"}
	must(db.CreateStairwell(sys, s))
	w.part = &estate.Part{CityID: city.ID, EstateID: w.estA.ID, BuildingID: b.ID, StairwellID: s.ID, Kind: estate.KindDwelling,
		Floor: 3, Room: "301", Area: 8532, AreaSource: estate.SourceRegister, Sold: true, Delivered: true}
	must(db.CreatePart(sys, w.part))
	return w
}

func as(a *huanxin.Actor) context.Context {
	return huanxin.NewContextWithActor(context.Background(), a)
}

func wantCode(t *testing.T, what string, err error, code string, fields ...string) {
	t.Helper()
	if huanxin.ErrorCode(err) != code {
		t.Errorf("%s: error %v, want %s", what, err, code)
		return
	}
	var got []string
	for _, f := range huanxin.ErrorFields(err) {
		got = append(got, f.Field)
	}
	if strings.Join(got, ",") != strings.Join(fields, ",") {
		t.Errorf("%s: fields %v, want %v", what, got, fields)
	}
}

func TestService(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		w := mustWorld(t, db)
		svc := &file.Service{Store: db, Register: &estate.Service{Store: db}, MaxSize: 1024}
		officer := &huanxin.Actor{UserID: 1, Name: "officer", Role: huanxin.RoleCommunity, Scope: huanxin.Scope{Paths: []string{w.distA.Path}}}
		officerB := &huanxin.Actor{UserID: 2, Name: "officer B", Role: huanxin.RoleStreet, Scope: huanxin.Scope{Paths: []string{w.distB.Path}}}
		resident := &huanxin.Actor{UserID: 3, Name: "resident", Role: huanxin.RoleResident, Scope: huanxin.Scope{PartIDs: []int64{w.part.ID}}}
		neighbour := &huanxin.Actor{UserID: 4, Name: "neighbour", Role: huanxin.RoleResident, Scope: huanxin.Scope{PartIDs: []int64{w.part.ID}}}
		contractor := &huanxin.Actor{UserID: 5, Name: "contractor", Role: huanxin.RoleContractor, Scope: huanxin.Scope{Paths: []string{w.distA.Path}}}
		readOnly := *officer
		readOnly.ReadOnly = true
		auditor := &huanxin.Actor{UserID: 6, Name: "auditor", Role: huanxin.RoleAuditor, Scope: huanxin.Scope{All: true}}

		put := func(a *huanxin.Actor, estateID int64, name string, data []byte) (*file.File, error) {
			if a == nil {
				return svc.Put(context.Background(), estateID, name, bytes.NewReader(data))
			}
			return svc.Put(as(a), estateID, name, bytes.NewReader(data))
		}

		f, err := put(officer, w.estA.ID, "图纸/立面图.pdf", pdf)
		if err != nil {
			t.Fatal(err)
		}
		if f.ID == 0 || f.Name != "立面图.pdf" || f.ContentType != file.TypePDF || f.Size != int64(len(pdf)) ||
			f.CreatedBy != officer.UserID || f.EstateID != w.estA.ID || len(f.SHA256) != 64 {
			t.Errorf("stored %+v", f)
		}

		// Same bytes, same uploader and estate: the stored file, first name kept.
		if again, err := put(officer, w.estA.ID, "renamed.pdf", pdf); err != nil || again.ID != f.ID || again.Name != f.Name {
			t.Errorf("again: %+v %v", again, err)
		}

		// Refusals.
		_, err = put(officer, w.estA.ID, "big.pdf", append(pdf, bytes.Repeat([]byte("x"), 1024)...))
		wantCode(t, "too large", err, huanxin.EINVALID, "file")
		if fe := huanxin.ErrorFields(err); len(fe) != 1 || !strings.Contains(fe[0].Message, "1 KiB") {
			t.Errorf("too large: %v does not name the limit", fe)
		}
		if _, err := put(officer, w.estA.ID, "max.pdf", append(pdf, bytes.Repeat([]byte("x"), 1024-len(pdf))...)); err != nil {
			t.Errorf("exactly the limit: %v", err)
		}
		_, err = put(officer, w.estA.ID, "page.html", []byte("<html><script>alert(1)</script></html>"))
		wantCode(t, "html", err, huanxin.EINVALID, "file")
		_, err = put(officer, w.estA.ID, "empty.pdf", nil)
		wantCode(t, "empty", err, huanxin.EINVALID, "file")
		_, err = put(&readOnly, w.estA.ID, "x.pdf", pdf)
		wantCode(t, "read-only token", err, huanxin.EFORBIDDEN)
		_, err = put(auditor, w.estA.ID, "x.pdf", pdf)
		wantCode(t, "auditor", err, huanxin.EFORBIDDEN)
		_, err = put(nil, w.estA.ID, "x.pdf", pdf)
		wantCode(t, "anonymous", err, huanxin.EUNAUTHORIZED)
		_, err = put(officerB, w.estA.ID, "x.pdf", pdf)
		wantCode(t, "estate outside the scope", err, huanxin.EFORBIDDEN)
		_, err = put(officer, 1<<40, "x.pdf", pdf)
		wantCode(t, "no such estate", err, huanxin.EFORBIDDEN)
		_, err = put(resident, w.estB.ID, "x.png", png)
		wantCode(t, "resident, another estate", err, huanxin.EFORBIDDEN)

		// Residents upload for their own estate and see only their own files.
		photo, err := put(resident, w.estA.ID, "电梯.jpg", jpeg)
		if err != nil || photo.ContentType != file.TypeJPEG {
			t.Fatalf("resident upload: %+v %v", photo, err)
		}
		if _, err := svc.Get(as(resident), photo.ID); err != nil {
			t.Errorf("resident reads own: %v", err)
		}
		_, err = svc.Get(as(resident), f.ID)
		wantCode(t, "resident reads an officer's file", err, huanxin.ENOTFOUND)
		_, err = svc.Get(as(neighbour), photo.ID)
		wantCode(t, "neighbour reads a resident's photo", err, huanxin.ENOTFOUND)
		// The neighbour forwarding the same photo gets a row of their own.
		if fwd, err := put(neighbour, w.estA.ID, "转发.jpg", jpeg); err != nil || fwd.ID == photo.ID || fwd.SHA256 != photo.SHA256 {
			t.Errorf("neighbour's upload of the same photo: %+v %v", fwd, err)
		}

		// Officers and contractors see the estates of their scope.
		for _, a := range []*huanxin.Actor{officer, contractor, auditor} {
			if _, err := svc.Get(as(a), photo.ID); err != nil {
				t.Errorf("%s reads the photo: %v", a.Name, err)
			}
		}
		_, err = svc.Get(as(officerB), f.ID)
		wantCode(t, "officer of another district", err, huanxin.ENOTFOUND)
		_, _, err = svc.Open(as(officerB), f.ID)
		wantCode(t, "open outside the scope", err, huanxin.ENOTFOUND)
		_, err = svc.Get(context.Background(), f.ID)
		wantCode(t, "anonymous read", err, huanxin.EUNAUTHORIZED)

		got, data, err := svc.Open(as(&readOnly), f.ID)
		if err != nil || !bytes.Equal(data, pdf) || got.ID != f.ID {
			t.Fatalf("open: %+v %d bytes %v", got, len(data), err)
		}

		// Bytes changed behind the application's back are not served.
		svc.Store = tampered{db}
		_, _, err = svc.Open(as(officer), f.ID)
		wantCode(t, "tampered bytes", err, huanxin.EINTERNAL)
	})
}

// tampered is a store whose bytes no longer match their hash.
type tampered struct{ *store.DB }

func (s tampered) FileData(ctx context.Context, cityID int64, sha256 string) ([]byte, error) {
	data, err := s.DB.FileData(ctx, cityID, sha256)
	return append(data, '!'), err
}
