package decision

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/file"
)

// Document is a stored file put to the owners with a decision: the plan,
// drawings, the cost table. Its SHA-256 lets anyone check that the file
// they were shown is the one decided on.
type Document struct {
	CityID     int64
	DecisionID int64
	FileID     int64
	Title      string
	SHA256     string
	AddedBy    int64
	Added      time.Time
}

// AddDocument attaches a stored file of the decision's estate to a draft
// decision under a title (the file's name when empty). Documents are fixed
// once the decision is published: what owners were given notice of cannot
// change.
func (s *Service) AddDocument(ctx context.Context, id, fileID int64, title string) (*Document, error) {
	a, d, err := s.draft(ctx, id)
	if err != nil {
		return nil, err
	}
	f, err := s.file(ctx, d, fileID, "file_id")
	if err != nil {
		return nil, err
	}
	title = strings.TrimSpace(title)
	if title == "" {
		title = f.Name
	}
	if utf8.RuneCountInString(title) > 200 {
		return nil, huanxin.Invalid("输入有误 invalid input", huanxin.FieldError{Field: "title", Message: "过长 too long (max 200)"})
	}
	doc := &Document{CityID: d.CityID, DecisionID: d.ID, FileID: f.ID, Title: title, SHA256: f.SHA256, AddedBy: a.UserID}
	return doc, s.Store.AddDocument(ctx, doc)
}

// RemoveDocument detaches a file from a draft decision.
func (s *Service) RemoveDocument(ctx context.Context, id, fileID int64) error {
	_, d, err := s.draft(ctx, id)
	if err != nil {
		return err
	}
	return s.Store.RemoveDocument(ctx, d.ID, fileID)
}

// Documents lists the documents of a decision visible to the actor.
func (s *Service) Documents(ctx context.Context, id int64) ([]Document, error) {
	d, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.Store.Documents(ctx, d.ID)
}

// Document returns the stored file of a document of a decision visible to
// the actor, with its bytes: whoever may see the decision may read what
// was put to the owners.
func (s *Service) Document(ctx context.Context, id, fileID int64) (*file.File, []byte, error) {
	docs, err := s.Documents(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if !slices.ContainsFunc(docs, func(d Document) bool { return d.FileID == fileID }) {
		return nil, nil, huanxin.Errorf(huanxin.ENOTFOUND, "附件不存在 no such document")
	}
	// Residents read only their own uploads through the file service;
	// the decision's documents are read on the decision's authority.
	return s.Files.Open(huanxin.NewContextWithActor(ctx, huanxin.SystemActor), fileID)
}

// draft loads a draft decision an officer may prepare.
func (s *Service) draft(ctx context.Context, id int64) (*huanxin.Actor, *Decision, error) {
	a, d, err := s.run(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if d.Status != StatusDraft {
		return nil, nil, huanxin.Errorf(huanxin.EINVALID, "表决已公告，附件不能再改动 the decision has been published; its documents are fixed")
	}
	return a, d, nil
}
