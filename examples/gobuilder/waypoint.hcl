project = "hello"

app "hello" {
  build {
    use "gobuilder" {
      output_name = "app"
      source      = "./app"
    }
  }

}
