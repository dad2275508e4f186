// Command hello-http is the app the localdeploy example deploys: a small web
// server on 127.0.0.1:$PORT that says which deployment answered, logs each
// request to stdout and stops cleanly on SIGTERM.
package main

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	log.SetFlags(0)
	log.SetOutput(os.Stdout)
	port := os.Getenv("PORT")
	if port == "" {
		log.Fatal("PORT is not set: the platform gives the port to listen on in PORT")
	}
	deployment := os.Getenv("WAYPOINT_DEPLOYMENT_ID")

	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		log.Printf("%s %s", r.Method, r.URL.Path)
		fmt.Fprintf(w, "Hello Waypoint from deployment %s\n", deployment)
	})
	srv := &http.Server{Addr: "127.0.0.1:" + port, Handler: mux}

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-stop
		log.Print("stopping")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}()

	log.Printf("listening on http://%s", srv.Addr)
	if err := srv.ListenAndServe(); err != http.ErrServerClosed {
		log.Fatal(err)
	}
}
