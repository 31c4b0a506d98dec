package survey

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// withOrientation inserts an EXIF block with the orientation after the
// JPEG's start marker, in the byte order given.
func withOrientation(t *testing.T, jpg []byte, o uint16, bo binary.ByteOrder) []byte {
	t.Helper()
	tiff := make([]byte, 26)
	if bo == binary.LittleEndian {
		copy(tiff, "II")
	} else {
		copy(tiff, "MM")
	}
	bo.PutUint16(tiff[2:], 42)
	bo.PutUint32(tiff[4:], 8)
	bo.PutUint16(tiff[8:], 1)       // one entry
	bo.PutUint16(tiff[10:], 0x0112) // orientation
	bo.PutUint16(tiff[12:], 3)      // SHORT
	bo.PutUint32(tiff[14:], 1)
	bo.PutUint16(tiff[18:], o)
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(2+len(payload)))
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, jpg[2:]...)
}

func TestResizeTurnsPhotosUpright(t *testing.T) {
	// 40×20, left half red, right half blue.
	img := image.NewRGBA(image.Rect(0, 0, 40, 20))
	for y := range 20 {
		for x := range 40 {
			c := color.RGBA{0, 0, 255, 255}
			if x < 20 {
				c = color.RGBA{255, 0, 0, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	red := func(c color.Color) bool { r, g, bl, _ := c.RGBA(); return r > 0xC000 && g < 0x4000 && bl < 0x4000 }
	cases := []struct {
		o            uint16
		bo           binary.ByteOrder
		w, h         int
		redX, redY   int // a point that must be red
		blueX, blueY int // and one that must not
	}{
		{6, binary.BigEndian, 20, 40, 10, 5, 10, 35},    // turned right: the left half comes on top
		{8, binary.LittleEndian, 20, 40, 10, 35, 10, 5}, // turned left: the left half goes to the bottom
		{3, binary.LittleEndian, 40, 20, 35, 10, 5, 10}, // upside down: left and right swap
		{1, binary.LittleEndian, 40, 20, 5, 10, 35, 10}, // upright: unchanged (returned as it is)
	}
	for _, c := range cases {
		data := withOrientation(t, b.Bytes(), c.o, c.bo)
		if got := orientation(data); got != int(c.o) {
			t.Fatalf("orientation %d read as %d", c.o, got)
		}
		out, resized, err := Resize(data, MaxSide)
		if err != nil || resized != (c.o != 1) {
			t.Fatalf("o=%d: resized %v %v", c.o, resized, err)
		}
		got, err := jpeg.Decode(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if bd := got.Bounds(); bd.Dx() != c.w || bd.Dy() != c.h || !red(got.At(c.redX, c.redY)) || red(got.At(c.blueX, c.blueY)) {
			t.Fatalf("o=%d: %v, red at (%d,%d) %v", c.o, got.Bounds(), c.redX, c.redY, got.At(c.redX, c.redY))
		}
	}
	if orientation([]byte("not a jpeg")) != 1 || orientation(b.Bytes()) != 1 {
		t.Fatal("no EXIF is upright")
	}
}

// The EXIF reader never panics on what an upload may hold.
func FuzzOrientation(f *testing.F) {
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x10, 'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 42, 0, 8, 0, 0, 0})
	f.Add([]byte("\xff\xd8\xff\xe1\x00\x02"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if o := orientation(b); o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
	})
}
