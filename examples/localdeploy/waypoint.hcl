project = "hello"

app "hello" {
  build {
    use "gobuilder" {
      output_name = "app"
      source      = "./app"
    }

    registry {
      use "localdeploy" {}
    }
  }

  deploy {
    use "localdeploy" {}
  }

  release {
    use "localdeploy" {}
  }
}
