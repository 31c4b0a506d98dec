package web

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/huanxin/huanxin"
)

func BenchmarkRenderLayout(b *testing.B) {
	r, err := NewRenderer()
	if err != nil {
		b.Fatal(err)
	}
	data := struct{ Base }{Base{Lang: "zh-CN", Title: "资金公开", Actor: &huanxin.Actor{UserID: 1, Name: "张三", Role: huanxin.RoleResident},
		CSRF: "0123456789abcdef0123456789abcdef", Resident: true, Path: "/estates/25/disclosure", Unread: 2,
		Menu:    []MenuItem{{Key: "nav.myhome", Href: "/home"}, {Key: "nav.myhome", Href: "/my/shares", Active: true}, {Key: "nav.myhome", Href: "/inbox"}},
		Content: "<p>内容</p>"}}
	b.ReportAllocs()
	for b.Loop() {
		if err := r.Render(httptest.NewRecorder(), http.StatusOK, "funding_disclosure", data); err != nil {
			b.Fatal(err)
		}
	}
}
