// Package file keeps the documents attached to the register's business:
// plans, drawings and cost tables of decisions, scans of paper ballots,
// written proxy authorisations, survey photos, notice attachments. Files
// are content-addressed: the bytes are stored once per city under their
// SHA-256, and each upload is a metadata row (name, estate, uploader)
// pointing at them.
//
// Only PDF and the common photo formats (JPEG, PNG, WebP, GIF) are
// accepted, recognised from the bytes, never from the name or the
// client's Content-Type.
package file

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
)

// File is the metadata of an uploaded file.
type File struct {
	ID          int64
	CityID      int64
	EstateID    int64
	SHA256      string // hex, lower case, of the bytes
	Name        string // sanitised file name as uploaded
	ContentType string // sniffed from the bytes: one of ContentTypes
	Size        int64  // bytes
	CreatedBy   int64  // user who uploaded it
	Created     time.Time
}

// Media types accepted.
const (
	TypePDF  = "application/pdf"
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	TypeWebP = "image/webp"
	TypeGIF  = "image/gif"
)

// ContentTypes lists the accepted media types and the file name
// extensions that go with each (the first is added to a name that lacks
// a fitting one).
var ContentTypes = map[string][]string{
	TypePDF:  {".pdf"},
	TypeJPEG: {".jpg", ".jpeg", ".jpe", ".jfif"},
	TypePNG:  {".png"},
	TypeWebP: {".webp"},
	TypeGIF:  {".gif"},
}

// DefaultMaxSize is the largest file accepted when Service.MaxSize is 0.
const DefaultMaxSize = 20 << 20

// MaxName is the longest file name kept, in characters.
const MaxName = 255

// Filter selects files. Scope is always applied.
type Filter struct {
	Scope     huanxin.Scope
	ID        *int64
	EstateID  *int64
	CreatedBy *int64 // only files uploaded by this user
}

// Store is what the file service needs from storage.
type Store interface {
	// CreateFile stores f and its bytes in one transaction, recording it
	// in the audit ledger, unless the same user already uploaded the same
	// bytes (f.SHA256) for the same estate: then f is overwritten with
	// that stored row and created is false. The bytes are kept once per
	// city and SHA-256 whoever uploads them.
	CreateFile(ctx context.Context, f *File, data []byte) (created bool, err error)
	// FindFiles lists the metadata of the files f selects, oldest first,
	// without reading their bytes.
	FindFiles(ctx context.Context, f Filter) ([]*File, error)
	// FileData returns the bytes stored for a city under a SHA-256 (hex),
	// or ENOTFOUND.
	FileData(ctx context.Context, cityID int64, sha256 string) ([]byte, error)
}

// Service enforces who may upload and read files.
//
// Uploading: any signed-in role except auditors, with a token that may
// write, for an estate it can see (residents: the estate of their own
// dwelling). Reading: residents see the files they uploaded themselves;
// every other role sees the files of the estates in its scope. Files are
// never changed or deleted.
type Service struct {
	Store    Store
	Register *estate.Service
	// MaxSize is the largest file accepted in bytes; 0 means DefaultMaxSize.
	MaxSize int64
}

// Limit returns the largest file accepted, in bytes.
func (s *Service) Limit() int64 {
	if s.MaxSize > 0 {
		return s.MaxSize
	}
	return DefaultMaxSize
}

// Put stores the file read from r for an estate, under the sanitised
// name. Uploading the same bytes again for the same estate returns the
// stored file as it is: its first name is kept and the name given now is
// ignored, and nothing is written or audited. Everything else about the
// upload is checked before the bytes are stored.
func (s *Service) Put(ctx context.Context, estateID int64, name string, r io.Reader) (*File, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, err
	}
	if a.ReadOnly || a.Role == huanxin.RoleAuditor {
		return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "无权上传文件 you may not upload files")
	}
	est, err := s.Register.Estates().Get(ctx, estateID)
	if huanxin.ErrorCode(err) == huanxin.ENOTFOUND {
		return nil, huanxin.Errorf(huanxin.EFORBIDDEN, "不在您的管辖范围 outside your jurisdiction")
	} else if err != nil {
		return nil, err
	}
	limit := s.Limit()
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, TooLarge(limit)
	}
	if len(data) == 0 {
		return nil, invalid("文件为空 the file is empty")
	}
	ct := Sniff(data)
	if ct == "" {
		return nil, invalid("仅接受 PDF、JPEG、PNG、WebP、GIF 文件 only PDF, JPEG, PNG, WebP and GIF files are accepted")
	}
	sum := sha256.Sum256(data)
	f := &File{CityID: est.CityID, EstateID: est.ID, SHA256: hex.EncodeToString(sum[:]), Name: CleanName(name, ct),
		ContentType: ct, Size: int64(len(data)), CreatedBy: a.UserID}
	if _, err := s.Store.CreateFile(ctx, f, data); err != nil {
		return nil, err
	}
	return f, nil
}

func invalid(msg string) error {
	return huanxin.Invalid("文件有误 invalid file", huanxin.FieldError{Field: "file", Message: msg})
}

// TooLarge is the error for a file of more than limit bytes.
func TooLarge(limit int64) error {
	return invalid("文件过大，最大 " + sizeText(limit) + " file too large (max " + sizeText(limit) + ")")
}

func sizeText(n int64) string {
	if n >= 1<<10 && n%(1<<10) == 0 && n < 1<<20 {
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	if n >= 1<<20 && n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MiB"
	}
	return strconv.FormatInt(n, 10) + " B"
}

// Get returns the metadata of a file the actor may read, or ENOTFOUND.
func (s *Service) Get(ctx context.Context, id int64) (*File, error) {
	a, err := huanxin.SignedIn(ctx)
	if err != nil {
		return nil, err
	}
	f := Filter{Scope: a.Scope, ID: &id}
	if a.Role == huanxin.RoleResident {
		f.CreatedBy = &a.UserID
	}
	list, err := s.Store.FindFiles(ctx, f)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, huanxin.Errorf(huanxin.ENOTFOUND, "文件不存在或不在您的管辖范围 file not found")
	}
	return list[0], nil
}

// Open returns a file the actor may read with its bytes, after checking
// that they still hash to the stored SHA-256.
func (s *Service) Open(ctx context.Context, id int64) (*File, []byte, error) {
	f, err := s.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	data, err := s.Store.FileData(ctx, f.CityID, f.SHA256)
	if err != nil {
		return nil, nil, err
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != f.SHA256 {
		return nil, nil, huanxin.Errorf(huanxin.EINTERNAL, "file %d: stored bytes do not match their SHA-256", f.ID)
	}
	return f, data, nil
}

// Sniff returns the media type of data if it is one of ContentTypes, else
// "". It relies on the signatures of net/http.DetectContentType, and also
// takes as PDF a file whose "%PDF-" header comes after some leading bytes
// within the first 1024, as PDF readers do.
func Sniff(data []byte) string {
	ct, _, _ := strings.Cut(http.DetectContentType(data), ";")
	if _, ok := ContentTypes[ct]; ok {
		return ct
	}
	if bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-")) {
		return TypePDF
	}
	return ""
}

// CleanName returns a safe file name for name: its base name (either
// slash), without control or formatting characters (which include the
// right-to-left override used to disguise extensions), trimmed, at most
// MaxName characters, and ending in an extension that fits the media
// type ct (one is added otherwise, so that a PNG is never saved as
// "x.html"). An empty name becomes "file" with the extension.
func CleanName(name, ct string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if strings.Trim(name, ".") == "" {
		name = ""
	}
	stem, ext := name, ""
	exts := ContentTypes[ct]
	for _, e := range exts {
		if got := path.Ext(name); strings.EqualFold(got, e) {
			stem, ext = strings.TrimSuffix(name, got), got
		}
	}
	if ext == "" && len(exts) > 0 {
		ext = exts[0]
	}
	if stem = strings.TrimSpace(stem); stem == "" {
		stem = "file"
	}
	if r := []rune(stem); len(r)+utf8.RuneCountInString(ext) > MaxName {
		stem = strings.TrimSpace(string(r[:MaxName-utf8.RuneCountInString(ext)]))
	}
	return stem + ext
}
