package pii

import (
	"bytes"
	"testing"
)

func keys(t *testing.T) *Keys {
	t.Helper()
	k, err := New(bytes.Repeat([]byte("k"), 32))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestNewRejectsShortSecret(t *testing.T) {
	if _, err := New([]byte("short")); err == nil {
		t.Fatal("short secret accepted")
	}
}

func TestEncryptRoundTripAndTamper(t *testing.T) {
	k := keys(t)
	c := k.Encrypt("13812345678")
	if bytes.Contains(c, []byte("13812345678")) {
		t.Fatal("plaintext visible in ciphertext")
	}
	got, err := k.Decrypt(c)
	if err != nil || got != "13812345678" {
		t.Fatalf("Decrypt = %q, %v", got, err)
	}
	c[len(c)-1] ^= 1
	if _, err := k.Decrypt(c); err == nil {
		t.Fatal("tampered ciphertext decrypted")
	}
	other, _ := New(bytes.Repeat([]byte("x"), 32))
	if _, err := other.Decrypt(k.Encrypt("1")); err == nil {
		t.Fatal("decrypted with another secret")
	}
	if s, err := k.Decrypt(nil); s != "" || err != nil {
		t.Fatalf("empty = %q, %v", s, err)
	}
}

func TestHashIsKeyedAndStable(t *testing.T) {
	k := keys(t)
	other, _ := New(bytes.Repeat([]byte("x"), 32))
	id := NormalizeID(" 11010519491231002x ")
	if id != "11010519491231002X" {
		t.Fatalf("NormalizeID = %q", id)
	}
	if !bytes.Equal(k.Hash(id), k.Hash("11010519491231002X")) {
		t.Fatal("hash not stable")
	}
	if bytes.Equal(k.Hash(id), other.Hash(id)) {
		t.Fatal("hash not keyed")
	}
}

func TestMasks(t *testing.T) {
	cases := []struct{ in, want string }{
		{"13812345678", "138****5678"},
		{"1234567", "*******"},
		{"02112345678", "021****5678"},
	}
	for _, c := range cases {
		if got := MaskPhone(c.in); got != c.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := MaskID(Last4("11010519491231002X")); got != "**************002X" {
		t.Errorf("MaskID = %q", got)
	}
	if got := NormalizePhone("+86 138-1234-5678"); got != "13812345678" {
		t.Errorf("NormalizePhone = %q", got)
	}
}

func TestValidChineseID(t *testing.T) {
	cases := map[string]bool{
		"11010519491231002X": true,  // the standard's worked example
		"11010519491231002Y": false, // bad check character
		"110105194912310021": false,
		"1101051949123100":   false,
		"A1010519491231002X": false,
	}
	for id, want := range cases {
		if got := ValidChineseID(id); got != want {
			t.Errorf("ValidChineseID(%q) = %v, want %v", id, got, want)
		}
	}
	for p, want := range map[string]bool{"13812345678": true, "12812345678": false, "1381234567": false} {
		if got := ValidMobile(p); got != want {
			t.Errorf("ValidMobile(%q) = %v", p, got)
		}
	}
}

func TestMaskEmailAndToken(t *testing.T) {
	for in, want := range map[string]string{"wang.li@example.cn": "w***@example.cn", "李@例子.中国": "李***@例子.中国", "bad": "***"} {
		if got := MaskEmail(in); got != want {
			t.Errorf("MaskEmail(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o": "oUpF****eS6o", "short": "*****"} {
		if got := MaskToken(in); got != want {
			t.Errorf("MaskToken(%q) = %q, want %q", in, got, want)
		}
	}
}
