package survey

import (
	"bytes"
	"context"
	"image"
	"image/color"
	_ "image/gif" // decoders of the photo types file accepts
	"image/jpeg"
	_ "image/png"
	"path"
	"slices"
	"strings"

	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/file"
)

// MaxSide is the long side, in pixels, of a photo's phone-size rendition.
const MaxSide = 1280

// MaxPixels is the largest photo decoded (width × height): a bound on the
// memory an upload can make the server use.
const MaxPixels = 64 << 20

// Quality is the JPEG quality of renditions.
const Quality = 82

// photoTypes are the stored file types a survey photo may have.
var photoTypes = []string{file.TypeJPEG, file.TypePNG, file.TypeWebP, file.TypeGIF}

// rendition checks that a stored file is a photo of the estate and
// returns it as a Photo with its phone-size rendition, which it stores as
// a second file unless the photo fits within MaxSide already.
func (s *Service) rendition(ctx context.Context, estateID, fileID int64) (Photo, error) {
	f, data, err := s.Files.Open(ctx, fileID)
	if huanxin.ErrorCode(err) == huanxin.ENOTFOUND || err == nil && f.EstateID != estateID {
		return Photo{}, huanxin.Errorf(huanxin.EINVALID, "文件 %d 不存在或不属于本小区 no such file %d in this estate", fileID, fileID)
	} else if err != nil {
		return Photo{}, err
	}
	if !slices.Contains(photoTypes, f.ContentType) {
		return Photo{}, huanxin.Errorf(huanxin.EINVALID, "%s 不是照片 is not a photo (JPEG, PNG, WebP, GIF)", f.Name)
	}
	small, resized, err := Resize(data, MaxSide)
	if err != nil {
		return Photo{}, err
	}
	p := Photo{FileID: f.ID, ThumbID: f.ID, SHA256: f.SHA256}
	if !resized {
		return p, nil
	}
	name := strings.TrimSuffix(f.Name, path.Ext(f.Name)) + "-" + "1280.jpg"
	t, err := s.Files.Put(ctx, estateID, name, bytes.NewReader(small))
	if err != nil {
		return Photo{}, err
	}
	p.ThumbID = t.ID
	return p, nil
}

// Resize returns the photo in data scaled down, proportions kept, so that
// its long side is at most maxSide pixels, as a JPEG (transparent parts
// on white), with Catmull-Rom resampling, and turned upright as its EXIF
// orientation says (phones store portrait photos sideways). A photo that
// fits already and is upright is returned as it is, with resized false.
func Resize(data []byte, maxSide int) (out []byte, resized bool, err error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, false, huanxin.Errorf(huanxin.EINVALID, "照片无法读取 the photo cannot be read: %v", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > MaxPixels {
		return nil, false, huanxin.Errorf(huanxin.EINVALID, "照片尺寸 %d×%d 不受支持 a %d×%d photo is not accepted (at most %d pixels)",
			cfg.Width, cfg.Height, cfg.Width, cfg.Height, MaxPixels)
	}
	o := orientation(data)
	if max(cfg.Width, cfg.Height) <= maxSide && o == 1 {
		return data, false, nil
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, false, huanxin.Errorf(huanxin.EINVALID, "照片无法读取 the photo cannot be read: %v", err)
	}
	w, h := cfg.Width, cfg.Height
	switch {
	case max(w, h) <= maxSide:
	case w >= h:
		w, h = maxSide, max(1, (h*maxSide+w/2)/w)
	default:
		w, h = max(1, (w*maxSide+h/2)/h), maxSide
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Over, nil)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, orient(dst, o), &jpeg.Options{Quality: Quality}); err != nil {
		return nil, false, err
	}
	return buf.Bytes(), true, nil
}

// sortFindings puts findings in Aspects order.
func sortFindings(fs []Finding) []Finding {
	slices.SortStableFunc(fs, func(a, b Finding) int { return order(a.ItemCode) - order(b.ItemCode) })
	return fs
}
