package i18n

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
)

var verbs = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)

// TestCatalogsAgree checks that every catalog has exactly the keys of the
// default one, no empty values, no duplicate keys and the same fmt verbs.
func TestCatalogsAgree(t *testing.T) {
	base := catalogs[Default]
	if len(base) == 0 {
		t.Fatal("default catalog is empty")
	}
	for _, lang := range Langs {
		names, _ := fs.Glob(files, "locales/"+lang+"/*.json")
		for _, name := range names {
			b, err := files.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			if dup := duplicateKey(t, b); dup != "" {
				t.Errorf("%s: duplicate key %q", name, dup)
			}
		}
		c := catalogs[lang]
		for k, v := range c {
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: %q is empty", lang, k)
			}
			if _, ok := base[k]; !ok {
				t.Errorf("%s: %q is not in %s", lang, k, Default)
			}
			if got, want := verbs.FindAllString(v, -1), verbs.FindAllString(base[k], -1); !slices.Equal(got, want) {
				t.Errorf("%s: %q has verbs %q, %s has %q", lang, k, got, Default, want)
			}
		}
		for k := range base {
			if _, ok := c[k]; !ok {
				t.Errorf("%s: missing %q", lang, k)
			}
		}
	}
}

// duplicateKey returns the first key that occurs twice in a flat JSON object.
func duplicateKey(t *testing.T, b []byte) string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	seen := map[string]bool{}
	if _, err := dec.Token(); err != nil { // {
		t.Fatal(err)
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		if seen[k.(string)] {
			return k.(string)
		}
		seen[k.(string)] = true
		if _, err := dec.Token(); err != nil { // value
			t.Fatal(err)
		}
	}
	return ""
}

// TestDomainKeys checks that every value of the domain enumerations has a
// label under its documented prefix.
func TestDomainKeys(t *testing.T) {
	var keys []string
	add := func(prefix string, vals ...string) {
		for _, v := range vals {
			keys = append(keys, prefix+"."+v)
		}
	}
	for _, r := range huanxin.Roles {
		add("role", string(r))
	}
	for _, l := range huanxin.Levels {
		add("level", string(l))
	}
	for _, m := range estate.ManagementModels {
		add("mgmt", string(m))
	}
	for _, s := range estate.Statuses {
		add("status", string(s))
	}
	add("areasource", string(estate.SourceRegister), string(estate.SourceSurveyed), string(estate.SourceContract))
	add("partkind", string(estate.KindDwelling), string(estate.KindShop))
	add("ownerkind", string(estate.OwnerPerson), string(estate.OwnerOrganisation))
	add("residentkind", string(estate.ResidentFamily), string(estate.ResidentTenant))
	add("nav", "home", "jurisdictions", "estates", "import", "users", "audit", "tokens", "signout", "myhome")
	for _, k := range keys {
		if _, ok := catalogs[Default][k]; !ok {
			t.Errorf("missing %q", k)
		}
	}
	if len(keys) != 10+5+4+8+3+2+2+2+9 {
		t.Errorf("checked %d keys", len(keys))
	}
}

func TestT(t *testing.T) {
	for _, c := range []struct {
		lang, key string
		args      []any
		want      string
	}{
		{"zh-CN", "nav.estates", nil, "小区"},
		{"en", "nav.estates", nil, "Estates"},
		{"zh-CN", "app.name", nil, "焕新 · 老旧小区改造"},
		{"zh-CN", "pager.total", []any{1234}, "共 1234 条"},
		{"en", "pager.page", []any{2, 7}, "Page 2 of 7"},
		{"zh-CN", "status.voting", nil, "表决中"},
		{"en", "role.committee", nil, "Owners' committee / representative"},
		{"fr", "nav.users", nil, "用户"}, // unknown language: default catalog
		{"en", "no.such.key", nil, "no.such.key"},
		{"", "no.such.key", []any{1}, "no.such.key"},
	} {
		if got := T(c.lang, c.key, c.args...); got != c.want {
			t.Errorf("T(%q, %q, %v) = %q, want %q", c.lang, c.key, c.args, got, c.want)
		}
	}
}

func TestMatch(t *testing.T) {
	for _, c := range []struct{ accept, cookie, want string }{
		{"", "", "zh-CN"},
		{"en-US,en;q=0.9", "", "en"},
		{"zh-CN,zh;q=0.9,en;q=0.8", "", "zh-CN"},
		{"zh-TW", "", "zh-CN"},
		{"fr-FR, en;q=0.5", "", "en"},
		{"fr-FR, de", "", "zh-CN"},
		{"de-DE, zh;q=0.1", "", "zh-CN"},
		{"en-US", "zh-CN", "zh-CN"}, // the cookie wins
		{"zh-CN", "en", "en"},
		{"en", "xx-invalid-;;", "en"}, // a bad cookie is ignored
		{"en", "fr", "en"},            // so is an unsupported one
		{";;;garbage", "", "zh-CN"},
		{"", "EN-gb", "en"},
	} {
		if got := Match(c.accept, c.cookie); got != c.want {
			t.Errorf("Match(%q, %q) = %q, want %q", c.accept, c.cookie, got, c.want)
		}
	}
}
