package survey_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"reflect"
	"testing"

	"github.com/huanxin/huanxin/survey"
)

func TestGradeLabels(t *testing.T) {
	want := map[survey.Grade]string{0: "", 1: "良好", 2: "一般", 3: "较差", 4: "危险", 5: ""}
	for g, label := range want {
		if got := g.Label(); got != label || g.Valid() != (label != "") {
			t.Errorf("grade %d: label %q valid %v", g, got, g.Valid())
		}
	}
}

func TestCompare(t *testing.T) {
	a := &survey.Survey{Findings: []survey.Finding{
		{ItemCode: "B14", Grade: 4, Quantity: 12050, Hazard: true},
		{ItemCode: "B01", Grade: 2, Quantity: 1000},
		{ItemCode: "I06", Grade: 3},
		{ItemCode: "X99", Grade: 1},
	}}
	b := &survey.Survey{Findings: []survey.Finding{
		{ItemCode: "B01", Grade: 3, Quantity: 3000},
		{ItemCode: "B14", Grade: 1},
		{ItemCode: "I06", Grade: 3},
		{ItemCode: "B15", Grade: 2},
	}}
	got := survey.Compare(a, b)
	want := []survey.Change{
		{ItemCode: "B01", From: 2, To: 3, FromQty: 1000, ToQty: 3000, Trend: survey.TrendWorse},
		{ItemCode: "B14", From: 4, To: 1, FromQty: 12050, FromHazard: true, Trend: survey.TrendBetter},
		{ItemCode: "B15", To: 2, Trend: survey.TrendNew},
		{ItemCode: "I06", From: 3, To: 3, Trend: survey.TrendSame},
		{ItemCode: "X99", From: 1, Trend: survey.TrendGone},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Compare:\n got %+v\nwant %+v", got, want)
	}
	if got := survey.Compare(&survey.Survey{}, &survey.Survey{}); len(got) != 0 {
		t.Errorf("nothing surveyed: %+v", got)
	}
}

func TestFacts(t *testing.T) {
	f := survey.Facts{Households: 10, Residents: 30, AgeKnown: 24, Over60: 9, Disabled: 1}
	if got := f.Over60Permille(); got != 375 {
		t.Errorf("9 of 24 = %d‰, want 375", got)
	}
	if got := (survey.Facts{AgeKnown: 3, Over60: 2}).Over60Permille(); got != 667 {
		t.Errorf("2 of 3 = %d‰, want 667 (rounded half up)", got)
	}
	if got := (survey.Facts{Residents: 5}).Over60Permille(); got != -1 {
		t.Errorf("no known age: %d, want -1", got)
	}
	n20, n12 := 20, 12
	// Entered counts replace the register's; entered residents become the
	// base of the share.
	applied := survey.Entered{Residents: &n20, Over60: &n12}.Apply(f)
	if applied.Residents != 20 || applied.Over60 != 12 || applied.AgeKnown != 20 || applied.Households != 10 || applied.Over60Permille() != 600 {
		t.Errorf("applied: %+v", applied)
	}
	if got := (survey.Entered{Households: &n12}).Apply(f); got.AgeKnown != 24 || got.Households != 12 {
		t.Errorf("households only: %+v", got)
	}
}

func encodePNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{uint8(x), uint8(y), 0, uint8(128 + x%128)})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestResize(t *testing.T) {
	for _, c := range []struct {
		name       string
		w, h       int
		wantW, wan int
	}{
		{"landscape", 2000, 1500, 1280, 960},
		{"portrait", 1000, 3000, 427, 1280},
		{"square", 1281, 1281, 1280, 1280},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, resized, err := survey.Resize(encodePNG(t, c.w, c.h), survey.MaxSide)
			if err != nil || !resized {
				t.Fatalf("%v %v", resized, err)
			}
			img, err := jpeg.Decode(bytes.NewReader(out))
			if err != nil {
				t.Fatalf("not a JPEG: %v", err)
			}
			if b := img.Bounds(); b.Dx() != c.wantW || b.Dy() != c.wan {
				t.Errorf("size %v, want %d×%d", b, c.wantW, c.wan)
			}
		})
	}
	small := encodePNG(t, 1280, 720)
	if out, resized, err := survey.Resize(small, survey.MaxSide); err != nil || resized || !bytes.Equal(out, small) {
		t.Errorf("a photo that fits is kept: %v %v", resized, err)
	}
	// Resampling averages: a fine checkerboard becomes mid grey, which
	// nearest-neighbour would not give.
	board := image.NewGray(image.Rect(0, 0, 2560, 2560))
	for y := range 2560 {
		for x := range 2560 {
			if (x+y)%2 == 0 {
				board.SetGray(x, y, color.Gray{255})
			}
		}
	}
	var b bytes.Buffer
	png.Encode(&b, board)
	out, _, err := survey.Resize(b.Bytes(), survey.MaxSide)
	if err != nil {
		t.Fatal(err)
	}
	img, _ := jpeg.Decode(bytes.NewReader(out))
	if r, _, _, _ := img.At(640, 640).RGBA(); r>>8 < 100 || r>>8 > 156 {
		t.Errorf("checkerboard resampled to %d, want mid grey", r>>8)
	}
	for _, bad := range [][]byte{[]byte("%PDF-1.7"), {0x89, 'P', 'N', 'G'}} {
		if _, _, err := survey.Resize(bad, survey.MaxSide); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
