# The seed networks (cnn_model_fn, deep_mnist_model_fn, layers_cnn_model_fn) are the R package's inst/models.R.
source(system.file("models.R", package = "pyestim", mustWork = TRUE)); parity_models <- seed_models
