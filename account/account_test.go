package account_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/account"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/store"
)

func TestMain(m *testing.M) {
	account.ArgonTime, account.ArgonMemory = 1, 64
	testdb.Main(m)
}

func TestPasswordHash(t *testing.T) {
	h := account.HashPassword("correct horse")
	if !strings.HasPrefix(h, "$argon2id$v=19$") || !account.CheckPassword(h, "correct horse") || account.CheckPassword(h, "wrong horse") {
		t.Fatalf("argon2id hash check failed: %s", h)
	}
	if account.CheckPassword("$bcrypt$x", "x") {
		t.Fatal("foreign hash accepted")
	}
}

func TestSignInThrottleTokensInvitations(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		sys := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
		reg := &estate.Service{Store: db}
		svc := &account.Service{Store: db, Register: reg, Keys: testdb.Keys(), MaxFailures: 3, MaxIPFailures: 4}
		city := &estate.Jurisdiction{Level: huanxin.LevelCity, Code: "330100", Name: "某市"}
		if err := reg.Jurisdictions().Create(sys, &estate.Jurisdiction{Level: huanxin.LevelProvince, Code: "330000", Name: "某省"}); err != nil {
			t.Fatal(err)
		}
		city.ParentID = 1
		if err := reg.Jurisdictions().Create(sys, city); err != nil {
			t.Fatal(err)
		}
		officer := &account.User{Username: "wang", Name: "王科长", Role: huanxin.RoleBureau, Phone: "13900001111",
			Scopes: []account.ScopeRef{{JurisdictionID: city.ID}}}
		if err := svc.CreateUser(sys, officer, "secret-pass-1"); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		// Phone works as a login; a wrong password is refused.
		if _, _, err := svc.SignIn(ctx, "139 0000 1111", "secret-pass-1", "10.0.0.1"); err != nil {
			t.Fatalf("sign in by phone: %v", err)
		}
		for i := 0; i < 3; i++ {
			if _, _, err := svc.SignIn(ctx, "wang", "bad", "10.0.0.1"); huanxin.ErrorCode(err) != huanxin.EUNAUTHORIZED {
				t.Fatalf("bad password #%d: %v", i, err)
			}
		}
		if _, _, err := svc.SignIn(ctx, "wang", "secret-pass-1", "10.0.0.1"); huanxin.ErrorCode(err) != huanxin.ETOOMANY {
			t.Fatalf("throttle not applied: %v", err)
		}
		svc.Now = func() time.Time { return time.Now().Add(20 * time.Minute) }
		db.Now = svc.Now
		raw, _, err := svc.SignIn(ctx, "wang", "secret-pass-1", "10.0.0.1")
		if err != nil {
			t.Fatalf("sign in after window: %v", err)
		}
		a, sess, err := svc.SessionActor(ctx, raw)
		if err != nil || a.Role != huanxin.RoleBureau || len(a.Scope.Paths) != 1 || sess.CSRF == "" {
			t.Fatalf("session actor = %+v, %v", a, err)
		}
		if _, _, err := svc.SessionActor(ctx, raw+"x"); huanxin.ErrorCode(err) != huanxin.EUNAUTHORIZED {
			t.Fatalf("forged session accepted: %v", err)
		}
		// A session lasts SessionTTL (12 h) from its last use: used in the
		// second half of its life it is renewed; unused for 12 h it ends.
		if sess.Renewed {
			t.Fatal("a fresh session renewed")
		}
		signedIn := svc.Now()
		svc.Now = func() time.Time { return signedIn.Add(7 * time.Hour) }
		_, late, err := svc.SessionActor(ctx, raw)
		if err != nil || !late.Renewed || !late.Expires.Equal(signedIn.Add(19*time.Hour)) {
			t.Fatalf("session after 7 h: %+v %v", late, err)
		}
		svc.Now = func() time.Time { return signedIn.Add(8 * time.Hour) }
		if _, again, err := svc.SessionActor(ctx, raw); err != nil || again.Renewed {
			t.Fatalf("renewed again an hour later: %+v %v", again, err)
		}
		svc.Now = func() time.Time { return signedIn.Add(19*time.Hour + time.Minute) }
		if _, _, err := svc.SessionActor(ctx, raw); huanxin.ErrorCode(err) != huanxin.EUNAUTHORIZED {
			t.Fatalf("session unused for more than 12 h: %v", err)
		}
		svc.Now = func() time.Time { return signedIn }
		// Tokens: hashed at rest, read-only flag, revocable.
		actx := huanxin.NewContextWithActor(ctx, a)
		tok, _, err := svc.CreateToken(actx, "报表", true, 0)
		if err != nil || !strings.HasPrefix(tok, "hx_") {
			t.Fatalf("CreateToken = %q, %v", tok, err)
		}
		ta, err := svc.TokenActor(ctx, tok)
		if err != nil || !ta.ReadOnly || ta.UserID != officer.ID {
			t.Fatalf("TokenActor = %+v, %v", ta, err)
		}
		list, _ := svc.Tokens(actx)
		if err := svc.RevokeToken(actx, list[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.TokenActor(ctx, tok); huanxin.ErrorCode(err) != huanxin.EUNAUTHORIZED {
			t.Fatalf("revoked token accepted: %v", err)
		}
		// A bureau cannot create an admin.
		if err := svc.CreateUser(actx, &account.User{Username: "x", Name: "x", Role: huanxin.RoleAdmin}, "secret-pass-1"); huanxin.ErrorCode(err) != huanxin.EFORBIDDEN {
			t.Fatalf("bureau created admin: %v", err)
		}
		// Invitation: an owner becomes a resident who sees only their parts.
		o := &estate.Owner{CityID: city.ID, Name: "李奶奶", IDNumber: "11010519491231002X"}
		if err := db.CreateOwner(sys, o); err != nil {
			t.Fatal(err)
		}
		code, _, err := svc.Invite(actx, o.ID)
		if err != nil || len(code) != 14 {
			t.Fatalf("Invite = %q, %v", code, err)
		}
		u, err := svc.Redeem(ctx, strings.ReplaceAll(code, "-", " "), "li", "", "li-password", "192.0.2.1")
		if err != nil || u.OwnerID != o.ID || u.Role != huanxin.RoleResident || u.Name != "李奶奶" {
			t.Fatalf("Redeem = %+v, %v", u, err)
		}
		if _, err := svc.Redeem(ctx, code, "li2", "", "li-password", "192.0.2.1"); huanxin.ErrorCode(err) != huanxin.EINVALID {
			t.Fatalf("code reused: %v", err)
		}
		// Guessing codes is throttled per client address.
		for i := 0; i < 4; i++ {
			if _, err := svc.Redeem(ctx, "0000-0000-000"+string(rune('0'+i)), "x", "", "li-password", "203.0.113.9"); huanxin.ErrorCode(err) != huanxin.EINVALID {
				t.Fatalf("wrong code #%d: %v", i, err)
			}
		}
		if _, err := svc.Redeem(ctx, code, "li3", "", "li-password", "203.0.113.9"); huanxin.ErrorCode(err) != huanxin.ETOOMANY {
			t.Fatalf("redeem not throttled: %v", err)
		}
		ra, err := db.Actor(ctx, u.ID)
		if err != nil || len(ra.Scope.PartIDs) != 1 || ra.Scope.PartIDs[0] != -1 {
			t.Fatalf("resident without holdings must see nothing: %+v %v", ra, err)
		}
	})
}
