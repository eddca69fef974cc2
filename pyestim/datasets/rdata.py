"""R's ``iris`` and ``mtcars`` data sets, for the tfestimators examples.

Both are public-domain data sets shipped with R (package ``datasets``); the CSV files under
``pyestim/datasets/data/`` were written from R with ``write.csv()``. The loaders return them
as R has them: the same column names (``Sepal.Length`` ...), every measurement a double,
``iris$Species`` a factor (a pandas ``Categorical`` with R's level order) and ``mtcars``' row
names (the car models) as the index.
"""

from importlib import resources

__all__ = ["iris", "mtcars"]


def _read(name, **kwargs):
    import pandas as pd

    with resources.files("pyestim.datasets").joinpath("data", name).open("r",
                                                                        encoding="utf-8") as f:
        return pd.read_csv(f, **kwargs)


def iris():
    """Edgar Anderson's iris data: 150 flowers, 4 measurements (cm) and the species.

    Returns
    -------
    pandas.DataFrame
        Columns ``Sepal.Length``, ``Sepal.Width``, ``Petal.Length``, ``Petal.Width`` (float)
        and ``Species`` (categorical: setosa, versicolor, virginica).
    """
    import pandas as pd

    frame = _read("iris.csv")
    measures = [c for c in frame.columns if c != "Species"]
    frame[measures] = frame[measures].astype("float64")
    frame["Species"] = pd.Categorical(frame["Species"],
                                      categories=["setosa", "versicolor", "virginica"])
    return frame


def mtcars():
    """Motor Trend car road tests (1974): 32 cars, 11 variables.

    Returns
    -------
    pandas.DataFrame
        Columns ``mpg``, ``cyl``, ``disp``, ``hp``, ``drat``, ``wt``, ``qsec``, ``vs``, ``am``,
        ``gear``, ``carb`` (all float, as in R), indexed by car model.
    """
    frame = _read("mtcars.csv", index_col=0).astype("float64")
    frame.index.name = None
    return frame
