#' @importFrom reticulate import
#' @export
reticulate::import

#' @importFrom reticulate dict
#' @export
reticulate::dict

#' @importFrom reticulate tuple
#' @export
reticulate::tuple

#' @importFrom reticulate np_array
#' @export
reticulate::np_array

#' @importFrom magrittr %>%
#' @export
magrittr::`%>%`

# tidyselect's selection helpers, as tfestimators re-exports them, for input_fn(features = ),
# feature_columns() and the column_*() constructors.

#' @importFrom tidyselect one_of
#' @export
tidyselect::one_of

#' @importFrom tidyselect starts_with
#' @export
tidyselect::starts_with

#' @importFrom tidyselect ends_with
#' @export
tidyselect::ends_with

#' @importFrom tidyselect contains
#' @export
tidyselect::contains

#' @importFrom tidyselect matches
#' @export
tidyselect::matches

#' @importFrom tidyselect num_range
#' @export
tidyselect::num_range

#' @importFrom tidyselect everything
#' @export
tidyselect::everything

#' @importFrom tidyselect last_col
#' @export
tidyselect::last_col

#' Tensor shape
#'
#' A `TensorShape` from dimensions: `shape(NULL, 784L)` is a batch of any size of vectors of
#' length 784 (as in the tensorflow R package).
#'
#' @param ... Dimensions: whole numbers, or `NULL` (or `NA`) for an unknown size.
#' @return A `TensorShape` (a Python object).
#' @examples
#' \dontrun{
#' shape(NULL, 28L, 28L, 1L)
#' }
#' @export
shape <- function(...) {
  dims <- lapply(list(...), function(d) {
    if (is.null(d) || (length(d) == 1L && is.na(d))) NULL else as_py_int(d)
  })
  pycall("shape", dims, convert = TRUE)
}
