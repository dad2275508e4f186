module cpuwrap

go 1.22
