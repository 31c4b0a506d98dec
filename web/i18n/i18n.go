// Package i18n translates the user interface. Catalogs are flat JSON objects
// embedded from locales/<lang>.json; keys are dotted, e.g. "nav.estates".
//
// Domain enumerations use the key "<prefix>.<value>" so templates can build
// them, e.g. {{t $.Lang (print "status." .Status)}}. The prefixes are
// role, level, mgmt (estate.ManagementModel), status (estate.Status),
// areasource, partkind, ownerkind and residentkind.
//
// Values containing fmt verbs (e.g. "pager.total" = "共 %d 条") take
// arguments; both catalogs use the same verbs in the same order.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"

	"golang.org/x/text/language"
)

// Default is the language used when nothing better is known, and the
// fallback for keys missing from another catalog.
const Default = "zh-CN"

// Langs lists the supported languages, Default first.
var Langs = []string{Default, "en"}

// Each language has a folder of catalogs (locales/<lang>/*.json), one per
// area of the product, merged at start-up; a key defined twice is a bug.
//
//go:embed locales
var files embed.FS

var catalogs = func() map[string]map[string]string {
	m := make(map[string]map[string]string, len(Langs))
	for _, lang := range Langs {
		names, err := fs.Glob(files, "locales/"+lang+"/*.json")
		if err != nil || len(names) == 0 {
			panic(fmt.Sprintf("i18n: no catalogs for %s", lang))
		}
		c := map[string]string{}
		for _, name := range names {
			b, err := files.ReadFile(name)
			if err != nil {
				panic(err)
			}
			var part map[string]string
			if err := json.Unmarshal(b, &part); err != nil {
				panic(fmt.Sprintf("i18n: %s: %v", name, err))
			}
			for k, v := range part {
				if _, dup := c[k]; dup {
					panic(fmt.Sprintf("i18n: %s: key %q defined twice", name, k))
				}
				c[k] = v
			}
		}
		m[lang] = c
	}
	return m
}()

var matcher = func() language.Matcher {
	tags := make([]language.Tag, len(Langs))
	for i, l := range Langs {
		tags[i] = language.MustParse(l)
	}
	return language.NewMatcher(tags)
}()

// T returns the message for key in lang, formatted with fmt.Sprintf when args
// are given. A key missing from lang falls back to Default, then to the key
// itself, so a missing translation is visible but never breaks a page.
func T(lang, key string, args ...any) string {
	msg, ok := catalogs[lang][key]
	if !ok {
		if msg, ok = catalogs[Default][key]; !ok {
			return key
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// Match picks the interface language: the cookie (a language tag chosen by
// the user, e.g. "en") wins when it names a supported language, then the
// request's Accept-Language header; otherwise Default. The result is always
// one of Langs. Match("", tag) normalises a user-supplied tag, e.g. the "to"
// parameter of the language switch.
func Match(acceptLanguage, cookie string) string {
	for _, s := range []string{cookie, acceptLanguage} {
		if s = strings.TrimSpace(s); s == "" || len(s) > 512 {
			continue
		}
		tags, _, err := language.ParseAcceptLanguage(s)
		if err != nil || len(tags) == 0 {
			continue
		}
		if _, i, conf := matcher.Match(tags...); conf != language.No {
			return Langs[i]
		}
	}
	return Default
}
