#include <iostream>

#include <tradetarget/tradetarget.hpp>

int main() {
    std::cout.precision(10);
    std::cout << "version " << tradetarget::version() << "\n";
    const auto series = tradetarget::AnnualSeries::from_levels({2020, 2021, 2022, 2024},
                                                               {3.354e9, 5.3e9, 4.0e9, 5.4e9});
    const auto model = tradetarget::fit_model(tradetarget::ModelKind::RandomWalkDrift, series);
    std::cout << "growth " << model->log_growth() << "\n";
    std::cout << "required " << tradetarget::required_growth(5.4e9, 2024, 10e9, 2030) << "\n";
    tradetarget::SimulationOptions options;
    options.n_paths = 5000;
    const auto paths = tradetarget::simulate_paths(tradetarget::ModelKind::RandomWalkDrift, series, options);
    const auto passage = tradetarget::first_passage(paths, 10e9, series);
    std::cout << "p2030 " << passage.probability_by(2030) << "\n";
    try {
        tradetarget::AnnualSeries::from_levels({2021, 2022}, {1.0, -1.0});
    } catch (const tradetarget::InputError& e) {
        std::cout << "error " << e.what() << "\n";
    }
    return 0;
}
