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
