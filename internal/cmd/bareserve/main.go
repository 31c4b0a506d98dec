// Command bareserve serves one file's bytes as text/html from a bare Go
// handler: the ceiling against which scripts/bench-list compares the real
// estate list page under the same load.
package main

import (
	"flag"
	"log"
	"net/http"
	"os"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8099", "address to listen on")
	file := flag.String("file", "", "the bytes to serve")
	flag.Parse()
	body, err := os.ReadFile(*file)
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ListenAndServe(*addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(body)
	})))
}
