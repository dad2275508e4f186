module example.com/hello-http

go 1.21
