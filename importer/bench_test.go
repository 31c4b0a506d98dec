package importer_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/pii"
	"github.com/huanxin/huanxin/sheet"
	"github.com/huanxin/huanxin/store"
)

// dwelling is one row of a generated dwellings register.
type dwelling struct {
	estate, bld, unit, room string
	floor                   int
	area                    int64
	owner                   int // person
	rep                     bool
	share                   string
}

// genDwellings generates n dwellings in estates of 480 (B00001, …; 10
// buildings of 2 units of 6 floors of 4 rooms): one row per owner, 10% of
// the dwellings co-owned by two, 5% of the people owning two dwellings.
func genDwellings(n int) (rows []dwelling, people, estates int) {
	rows = make([]dwelling, 0, n+n/10)
	owner := make([]int, n)
	for i := range n {
		e, r := i/480, i%480
		d := dwelling{estate: fmt.Sprintf("B%05d", e+1), bld: strconv.Itoa(r/48 + 1), unit: strconv.Itoa(r/24%2 + 1),
			floor: r/4%6 + 1, area: 5000 + int64(i%5000), rep: true, share: ""}
		d.room = strconv.Itoa(d.floor*100 + r%4 + 1)
		if i%20 == 7 && i >= 20 {
			d.owner = owner[i-13]
		} else {
			d.owner, people = people, people+1
		}
		owner[i] = d.owner
		if i%10 == 3 {
			d.share = "1/2"
			co := d
			co.owner, co.rep, people = people, false, people+1
			rows = append(rows, d, co)
			continue
		}
		rows = append(rows, d)
	}
	return rows, people, (n + 479) / 480
}

func personName(k int) string {
	return string([]rune("王李张刘陈杨黄赵吴周")[k%10]) + "某" + strconv.Itoa(k%1000)
}

func personPhone(k int) string {
	if k%10 == 9 {
		return ""
	}
	return fmt.Sprintf("13%09d", k)
}

// benchSetup returns a fixture with the generated estates.
func benchSetup(b *testing.B, estates int) *fixture {
	f := newFixture(b, testdb.Open(b, store.SQLite))
	rows := make([]rec, estates)
	for e := range rows {
		rows[e] = rec{"estate_code": fmt.Sprintf("B%05d", e+1), "estate_name": fmt.Sprintf("测试小区%d", e+1),
			"community_code": "390102001001", "year_built": 1990}
	}
	f.load(f.admin, "estates", "csv", rows...)
	return f
}

// dwellingsFile writes the generated rows as a dwellings file.
func dwellingsFile(b *testing.B, f *fixture, format string, rows []dwelling) []byte {
	tpl, _ := f.svc.Template("dwellings")
	var buf bytes.Buffer
	var w sheet.Writer
	var err error
	if format == "csv" {
		w, err = sheet.NewCSVWriter(&buf, tpl)
	} else {
		w, err = sheet.NewXLSXWriter(&buf, tpl)
	}
	if err != nil {
		b.Fatal(err)
	}
	for _, d := range rows {
		rep := "否"
		if d.rep {
			rep = "是"
		}
		err := w.Write(d.estate, d.bld, d.unit, d.room, d.floor, "住宅", huanxin.Area(d.area), "登记", "是", "是",
			idNumber(d.owner), personName(d.owner), "个人", personPhone(d.owner), d.share, rep)
		if err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func benchRows(env string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(env)); err == nil && n > 0 {
		return n
	}
	return def
}

func benchImport(b *testing.B, format string, n int) {
	rows, _, estates := genDwellings(n)
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		f := benchSetup(b, estates)
		data := dwellingsFile(b, f, format, rows)
		b.StartTimer()
		start := time.Now()
		res, err := f.svc.Import(f.admin, "dwellings", bytes.NewReader(data), "dwellings."+format, nil)
		elapsed += time.Since(start)
		if err != nil {
			b.Fatal(huanxin.ErrorMessage(err), huanxin.ErrorFields(err)[:min(5, len(huanxin.ErrorFields(err)))])
		}
		if res.Rows != len(rows) || res.Counts["part"].Created != n || res.Counts["ownership"].Created != len(rows) {
			b.Fatalf("result %+v", res)
		}
	}
	b.ReportMetric(float64(len(rows))*float64(b.N)/elapsed.Seconds(), "rows/s")
}

// BenchmarkImportDwellingsCSV imports a dwellings CSV of
// HUANXIN_BENCH_ROWS dwellings (default 100000) into SQLite.
func BenchmarkImportDwellingsCSV(b *testing.B) {
	benchImport(b, "csv", benchRows("HUANXIN_BENCH_ROWS", 100000))
}

// BenchmarkImportDwellingsXLSX imports a dwellings xlsx of
// HUANXIN_BENCH_XLSX_ROWS dwellings (default 50000) into SQLite.
func BenchmarkImportDwellingsXLSX(b *testing.B) {
	benchImport(b, "xlsx", benchRows("HUANXIN_BENCH_XLSX_ROWS", 50000))
}

// BenchmarkBareInsert inserts the rows of BenchmarkImportDwellingsCSV
// (buildings, units, parts, owners with their hashed ID numbers and
// encrypted phones, ownerships) with plain single-row prepared INSERTs in
// one transaction, on the connection settings of a bulk write (large page
// cache, no foreign key enforcement): the yardstick of the import's speed.
// Values, hashes and ciphertexts are computed before the timer.
func BenchmarkBareInsert(b *testing.B) {
	n := benchRows("HUANXIN_BENCH_ROWS", 100000)
	rows, people, estates := genDwellings(n)
	keys := testdb.Keys()
	hash, enc := make([][]byte, people), make([][]byte, people)
	for k := range people {
		hash[k], enc[k] = keys.Hash(idNumber(k)), keys.Encrypt(personPhone(k))
	}
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		f := benchSetup(b, estates)
		q := url.Values{}
		for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(NORMAL)",
			"foreign_keys(0)", "cache_size(-1048576)", "temp_store(MEMORY)"} {
			q.Add("_pragma", p)
		}
		q.Set("_txlock", "immediate")
		raw, err := sql.Open("sqlite", "file:"+f.db.DSN+"?"+q.Encode())
		if err != nil {
			b.Fatal(err)
		}
		var city, estate0 int64
		if err := raw.QueryRow("SELECT city_id, MIN(id) FROM estates WHERE code LIKE 'B%' GROUP BY city_id").Scan(&city, &estate0); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		if err := bareInsert(raw, city, estate0, rows, people, hash, enc); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		raw.Close()
	}
	b.ReportMetric(float64(len(rows))*float64(b.N)/elapsed.Seconds(), "rows/s")
}

func bareInsert(db *sql.DB, city, estate0 int64, rows []dwelling, people int, hash, enc [][]byte) error {
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := time.Now().UnixMicro()
	prep := func(q string) *sql.Stmt {
		s, e := tx.Prepare(q)
		if e != nil && err == nil {
			err = e
		}
		return s
	}
	insB := prep("INSERT INTO buildings (city_id, estate_id, no, floors, year_built, created, updated) VALUES (?,?,?,?,?,?,?)")
	insS := prep("INSERT INTO stairwells (city_id, estate_id, building_id, no, has_lift, created, updated) VALUES (?,?,?,?,?,?,?)")
	insP := prep(`INSERT INTO parts (city_id, estate_id, building_id, stairwell_id, kind, floor, room, area, area_source,
		sold, delivered, created, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	insO := prep(`INSERT INTO owners (city_id, kind, name, id_hmac, id_last4, phone_enc, phone_masked, created, updated)
		VALUES (?,?,?,?,?,?,?,?,?)`)
	insW := prep(`INSERT INTO ownerships (city_id, estate_id, part_id, owner_id, representative, share_num, share_den,
		created, updated) VALUES (?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return err
	}
	id := func(res sql.Result, e error) int64 {
		if e != nil {
			if err == nil {
				err = e
			}
			return 0
		}
		n, _ := res.LastInsertId()
		return n
	}
	owners := make([]int64, people)
	for k := range people {
		phone := personPhone(k)
		owners[k] = id(insO.Exec(city, "person", personName(k), hash[k], idNumber(k)[14:], enc[k], pii.MaskPhone(phone), now, now))
	}
	var bld, stair, part int64
	var last dwelling
	for _, d := range rows {
		est := estate0
		fmt.Sscanf(d.estate, "B%d", &est)
		est += estate0 - 1
		if d.estate != last.estate || d.bld != last.bld {
			bld = id(insB.Exec(city, est, d.bld, 6, 1990, now, now))
		}
		if d.estate != last.estate || d.bld != last.bld || d.unit != last.unit {
			stair = id(insS.Exec(city, est, bld, d.unit, false, now, now))
		}
		if d.estate != last.estate || d.bld != last.bld || d.unit != last.unit || d.room != last.room {
			part = id(insP.Exec(city, est, bld, stair, "dwelling", d.floor, d.room, d.area, "register", true, true, now, now))
		}
		num, den := 1, 1
		if d.share != "" {
			den = 2
		}
		id(insW.Exec(city, est, part, owners[d.owner], d.rep, num, den, now, now))
		last = d
		if err != nil {
			return err
		}
	}
	return tx.Commit()
}
