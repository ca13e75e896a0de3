#include "bindings.hpp"

#include "tradetarget/hierarchy.hpp"

using namespace tradetarget;

void register_hierarchy(py::module_& m) {
    m.def(
        "reconciliation_matrix",
        [](const Eigen::MatrixXd& s, const std::string& method, const Eigen::VectorXd& p, const Eigen::MatrixXd& r) {
            return reconciliation_matrix(s, parse_reconciliation(method), p, r);
        },
        py::arg("summing"), py::arg("method"), py::arg("proportions") = Eigen::VectorXd(),
        py::arg("residuals") = Eigen::MatrixXd(), "G of ytilde = S G yhat (bottom_up, top_down, mint_shrink).");
    m.def("shrinkage_intensity", &shrinkage_intensity, py::arg("residuals"));
    m.def("reconcile_paths", &reconcile_paths, py::arg("base"), py::arg("summing"), py::arg("g"),
          py::call_guard<py::gil_scoped_release>(), "Reconciles every path and year: coherent by construction.");
}
